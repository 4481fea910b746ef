"""Rules and queries of dealers, partner isolation included. Services flush; the request's session
commits."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.responses import Response

from chassis.bulk import Batch, upsert_by_key, written_events
from chassis.errors import Forbidden, NotFound, field_error
from chassis.identity import Principal
from chassis.outbox import emit, emit_many
from chassis.pagination import paginate
from services.dealers.common import check_unique, quantize, reject_taken
from services.dealers.dealers.schemas import DealerCreate, DealerPublic, DealerUpdate
from services.dealers.models import Dealer, DealerTier, LifecycleStage, tables

_REQUIRED = ("name", "uscc", "region_id", "tier", "credit_limit", "contacts")
_MONEY = ("credit_limit", "annual_turnover")
# Partners keep their contact details current; the rest is master data owned by ERP and sales.
_PARTNER_EDITABLE = frozenset({"contact_name", "contact_mobile", "contacts"})


async def get(session: AsyncSession, dealer_id: UUID, *, caller: Principal) -> Dealer:
    """The dealer, or 404 when it does not exist or the caller may not act for it."""
    dealer = await session.get(Dealer, dealer_id) if caller.can_act_for(dealer_id) else None
    if dealer is None:
        raise NotFound(f"Dealer {dealer_id} does not exist.")
    return dealer


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    code: str | None = None,
    region_id: UUID | None = None,
    tier: DealerTier | None = None,
    advisor_id: UUID | None = None,
    lifecycle_stage: LifecycleStage | None = None,
) -> tuple[list[Dealer], str | None]:
    stmt = select(Dealer)
    if caller.is_partner:
        stmt = stmt.where(col(Dealer.id).in_(caller.dealer_ids))
    filters = {
        "code": code,
        "region_id": region_id,
        "tier": tier,
        "advisor_id": advisor_id,
        "lifecycle_stage": lifecycle_stage,
    }
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(Dealer, name) == value)
    return await paginate(session, stmt, col(Dealer.id), limit=limit, cursor=cursor)


def _check_fields(changes: dict[str, Any]) -> None:
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")


def _normalise(changes: dict[str, Any]) -> dict[str, Any]:
    for name in _MONEY:
        if name in changes:
            changes[name] = quantize(changes[name])
    return changes


def authorize_update(data: DealerUpdate, *, caller: Principal) -> None:
    """Partners may change only their contact details (checked before the If-Match precondition)."""
    refused = sorted(data.model_fields_set - _PARTNER_EDITABLE) if caller.is_partner else []
    if refused:
        raise Forbidden(f"partners cannot change {', '.join(refused)}")


def authorize_delete(*, caller: Principal) -> None:
    if caller.is_partner:
        raise Forbidden("partners cannot delete dealers")


async def create(session: AsyncSession, data: DealerCreate, *, caller: Principal) -> Dealer:
    if caller.is_partner:
        raise Forbidden("partners cannot create dealers")
    changes = _normalise(data.model_dump())
    await check_unique(session, Dealer, changes, None, ("code", "uscc"), "dealer")
    dealer = Dealer(**changes)
    session.add(dealer)
    await session.flush()
    await _emit(session, "dealer.created", dealer, caller.subject)
    return dealer


async def update(
    session: AsyncSession, dealer: Dealer, data: DealerUpdate, *, caller: Principal
) -> Dealer:
    changes = _normalise(data.model_dump(exclude_unset=True))
    _check_fields(changes)
    await check_unique(session, Dealer, changes, dealer.id, ("uscc",), "dealer")
    for name, value in changes.items():
        setattr(dealer, name, value)
    dealer.updated_at = datetime.now(UTC)
    await session.flush()
    await _emit(session, "dealer.updated", dealer, caller.subject)
    return dealer


async def delete(session: AsyncSession, dealer: Dealer, *, caller: Principal) -> None:
    await _emit(session, "dealer.deleted", dealer, caller.subject)
    await session.delete(dealer)
    await session.flush()


async def bulk_upsert(
    session: AsyncSession, raw: list[dict[str, Any]], *, caller: Principal
) -> Response:
    """Upsert dealers by code: every item checked alone, the valid ones written set-based."""
    if caller.is_partner:
        raise Forbidden("partners cannot create dealers")
    batch = Batch(raw, DealerCreate)
    batch.first_by_key("code")
    await reject_taken(session, batch, Dealer, "uscc", "dealer")
    batch.first_by_key("uscc")
    indices = [i for i, _ in batch.valid]
    rows = [_normalise(item.model_dump()) for _, item in batch.valid]
    omitted = [Batch.omitted(item) for _, item in batch.valid]
    table = Dealer.__table__  # type: ignore[attr-defined]
    written = await upsert_by_key(session, table, rows, omitted=omitted)
    events = await written_events(
        session,
        table,
        DealerPublic,
        written,
        prefix="dealer",
        actor=caller.subject,
        dealer_ids=lambda record: [record["id"]],
    )
    await emit_many(session, tables.outbox, events)
    return batch.response(dict(zip(indices, written, strict=True)))


async def _emit(session: AsyncSession, type: str, dealer: Dealer, actor: str) -> None:
    data = DealerPublic.model_validate(dealer).model_dump(mode="json") | {"actor": actor}
    await emit(session, tables.outbox, type, data, dealer_ids=[dealer.id])
