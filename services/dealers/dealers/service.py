"""Rules and queries of dealers, partner isolation included. Services flush; the request's session
commits."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, Forbidden, NotFound, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.pagination import paginate
from chassis.validators import is_mobile, uscc_problem
from services.dealers.dealers.schemas import DealerCreate, DealerPublic, DealerUpdate
from services.dealers.models import Dealer, DealerTier, tables

CENT = Decimal("0.01")
_REQUIRED = ("name", "uscc", "region_id", "tier", "credit_limit")
# Partners keep their contact details current; the rest is master data owned by ERP and sales.
_PARTNER_EDITABLE = frozenset({"contact_name", "contact_mobile"})


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
) -> tuple[list[Dealer], str | None]:
    stmt = select(Dealer)
    if caller.is_partner:
        stmt = stmt.where(col(Dealer.id).in_(caller.dealer_ids))
    if code is not None:
        stmt = stmt.where(col(Dealer.code) == code)
    if region_id is not None:
        stmt = stmt.where(col(Dealer.region_id) == region_id)
    if tier is not None:
        stmt = stmt.where(col(Dealer.tier) == tier)
    if advisor_id is not None:
        stmt = stmt.where(col(Dealer.advisor_id) == advisor_id)
    return await paginate(session, stmt, col(Dealer.id), limit=limit, cursor=cursor)


def _check_fields(changes: dict[str, Any]) -> None:
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")
    if changes.get("uscc") is not None and (problem := uscc_problem(changes["uscc"])):
        raise field_error("#/uscc", problem)
    mobile = changes.get("contact_mobile")
    if mobile is not None and not is_mobile(mobile):
        raise field_error("#/contact_mobile", "must be a mainland mobile number: 11 digits from 1")


async def _check_unique(
    session: AsyncSession, changes: dict[str, Any], dealer_id: UUID | None
) -> None:
    for name in ("code", "uscc"):
        if name not in changes:
            continue
        taken = exists().where(col(getattr(Dealer, name)) == changes[name])
        if dealer_id is not None:
            taken = taken.where(col(Dealer.id) != dealer_id)
        if await session.scalar(select(taken)):
            raise Conflict(f"A dealer with {name} {changes[name]} already exists.", field=name)


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
    changes = data.model_dump()
    _check_fields(changes)
    await _check_unique(session, changes, None)
    dealer = Dealer(**changes | {"credit_limit": data.credit_limit.quantize(CENT)})
    session.add(dealer)
    await session.flush()
    await _emit(session, "dealer.created", dealer, caller.subject)
    return dealer


async def update(
    session: AsyncSession, dealer: Dealer, data: DealerUpdate, *, caller: Principal
) -> Dealer:
    changes = data.model_dump(exclude_unset=True)
    _check_fields(changes)
    await _check_unique(session, changes, dealer.id)
    if changes.get("credit_limit") is not None:
        changes["credit_limit"] = changes["credit_limit"].quantize(CENT)
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


async def _emit(session: AsyncSession, type: str, dealer: Dealer, actor: str) -> None:
    data = DealerPublic.model_validate(dealer).model_dump(mode="json") | {"actor": actor}
    await emit(session, tables.outbox, type, data, dealer_ids=[dealer.id])
