"""Rules and queries of dealers, partner isolation included. Services flush; the request's session
commits."""

from typing import Any
from uuid import UUID

from sqlalchemy import Table, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col
from starlette.responses import Response

from chassis.bulk import Batch, Status, event_documents, matching, upsert_by_key
from chassis.copies import Reference
from chassis.errors import Conflict, FieldError, Forbidden, NotFound
from chassis.identity import Principal
from chassis.outbox import emit, emit_many
from chassis.queries import apply_changes, get_or_404, no_nulls, page
from services.dealers.dealers.schemas import DealerCreate, DealerPublic, DealerUpdate
from services.dealers.fields import quantize
from services.dealers.models import (
    ConflictParty,
    Dealer,
    Order,
    Outlet,
    ScorecardEvaluation,
    SupportActivity,
    tables,
)
from services.dealers.references.advisors import in_words, remote_references
from services.dealers.references.regions import region_problems
from services.dealers.unique import check_unique, reject_taken

DEALERS: Table = Dealer.__table__  # type: ignore[attr-defined]
_REQUIRED = ("name", "uscc", "region_id", "tier", "credit_limit", "contacts")
_MONEY = ("credit_limit", "annual_turnover")
# Partners keep their contact details current; the rest is master data owned by ERP and sales.
_PARTNER_EDITABLE = frozenset({"contact_name", "contact_mobile", "contacts"})
# What keeps a dealer from being deleted: the records that name it, as (kind, one of them in
# words, the column naming the dealer, what to count).
_REFERENCES: tuple[tuple[str, str, Any, Any], ...] = (
    ("outlets", "outlet", Outlet.dealer_id, Outlet.id),
    ("orders", "order", Order.dealer_id, Order.id),
    ("support_activities", "support activity", SupportActivity.dealer_id, SupportActivity.id),
    (
        "scorecard_evaluations",
        "scorecard evaluation",
        ScorecardEvaluation.dealer_id,
        ScorecardEvaluation.id,
    ),
    ("channel_conflicts", "channel conflict", ConflictParty.dealer_id, ConflictParty.conflict_id),
)


async def get(session: AsyncSession, dealer_id: UUID, *, caller: Principal) -> Dealer:
    """The dealer, or 404 when it does not exist or the caller may not act for it."""
    if not caller.can_act_for(dealer_id):
        raise NotFound(f"Dealer {dealer_id} does not exist.")
    return await get_or_404(session, Dealer, dealer_id, "Dealer")


async def list_page(
    session: AsyncSession, *, caller: Principal, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[Dealer], str | None]:
    stmt = select(Dealer)
    if caller.is_partner:
        stmt = stmt.where(col(Dealer.id).in_(caller.dealer_ids))
    return await page(session, Dealer, filters, limit=limit, cursor=cursor, stmt=stmt)


def _normalise(changes: dict[str, Any]) -> dict[str, Any]:
    changes.pop("advisor_id", None)  # never sent (refused), never written: assignments decide
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


async def create(
    session: AsyncSession, data: DealerCreate, *, caller: Principal, regions: Reference
) -> Dealer:
    if caller.is_partner:
        raise Forbidden("partners cannot create dealers")
    changes = _normalise(data.model_dump())
    await check_unique(session, Dealer, changes, None, ("code", "uscc"), "dealer")
    await regions.check(session, data.region_id, "#/region_id")
    dealer = Dealer(**changes)
    set_committed_value(dealer, "advisor_id", None)  # a new id: no assignment names it yet
    session.add(dealer)
    await session.flush()
    await _emit(session, "dealer.created", dealer, caller)
    return dealer


async def update(
    session: AsyncSession,
    dealer: Dealer,
    data: DealerUpdate,
    *,
    caller: Principal,
    regions: Reference,
) -> Dealer:
    changes = _normalise(data.model_dump(exclude_unset=True))
    no_nulls(changes, _REQUIRED)
    if changes.get("region_id", dealer.region_id) != dealer.region_id:
        await regions.check(session, changes["region_id"], "#/region_id")
    await check_unique(session, Dealer, changes, dealer.id, ("uscc",), "dealer")
    apply_changes(dealer, changes)
    await session.flush()
    await _emit(session, "dealer.updated", dealer, caller)
    return dealer


async def references(session: AsyncSession, dealer_id: UUID) -> dict[str, int]:
    """How many records of each kind name the dealer (kinds with none left out), for instance
    `{"outlets": 3, "support_activities": 1}`."""
    found: dict[str, int] = {}
    for name, _, column, counted in _REFERENCES:
        stmt = select(func.count(distinct(col(counted)))).where(col(column) == dealer_id)
        n = await session.scalar(stmt)
        if n:
            found[name] = int(n)
    return found


async def delete(session: AsyncSession, dealer: Dealer, *, caller: Principal) -> None:
    """Refused (409) while records name the dealer, here or in the advisors service: the
    problem says which and how many."""
    held = await references(session, dealer.id)
    remote = await remote_references(session, dealer.id)
    if held or remote:
        one = {name: single for name, single, _, _ in _REFERENCES}
        counts = [
            f"{n} {one[name] if n == 1 else name.replace('_', ' ')}" for name, n in held.items()
        ] + [in_words(kind, n) for kind, n in remote.items()]
        raise Conflict(
            f"Dealer {dealer.id} is still referenced by {', '.join(counts)}: move or delete "
            "them first (an outlet changes dealer through POST /v1/outlets/{id}/transitions; "
            "assignments and visits are ended or deleted in the advisors service).",
            errors=[FieldError("#", f"is referenced by {count}") for count in counts],
            references=held | remote,
        )
    await _emit(session, "dealer.deleted", dealer, caller)
    await session.delete(dealer)
    await session.flush()


async def bulk_upsert(
    session: AsyncSession, raw: list[dict[str, Any]], *, caller: Principal, regions: Reference
) -> Response:
    """Upsert dealers by code: every item checked alone, the valid ones written set-based."""
    if caller.is_partner:
        raise Forbidden("partners cannot create dealers")
    batch = Batch(raw, DealerCreate)
    batch.first_by_key("code")
    unknown = await region_problems(session, regions, {item.region_id for _, item in batch.valid})
    for index, item in list(batch.valid):
        if item.region_id in unknown:
            batch.reject(index, unknown[item.region_id])
    await reject_taken(session, batch, Dealer, "uscc", "dealer")
    batch.first_by_key("uscc")
    indices = [i for i, _ in batch.valid]
    rows = [_normalise(item.model_dump()) for _, item in batch.valid]
    omitted = [Batch.omitted(item) for _, item in batch.valid]
    written = await upsert_by_key(session, DEALERS, rows, omitted=omitted)
    await emit_many(session, tables.outbox, await _written_events(session, written, caller))
    return batch.response(dict(zip(indices, written, strict=True)))


async def _written_events(
    session: AsyncSession, written: list[tuple[Status, UUID]], caller: Principal
) -> list[tuple[str, dict[str, Any], list[UUID]]]:
    """`dealer.created|updated` for what a bulk write wrote: the stored dealers as the single
    writes' events carry them, their advisor (not a column of the table) included."""
    if not written:
        return []
    columns = [*DEALERS.c, Dealer.advisor_id.label("advisor_id")]
    stmt = select(*columns).where(matching(session, DEALERS.c.id, [id_ for _, id_ in written]))
    stored = {row["id"]: dict(row) for row in (await session.execute(stmt)).mappings()}
    documents = event_documents(DealerPublic, [stored[id_] for _, id_ in written])
    return [
        (f"dealer.{status}", doc | {"actor": caller.subject}, [id_])
        for (status, id_), doc in zip(written, documents, strict=True)
    ]


async def _emit(session: AsyncSession, type: str, dealer: Dealer, caller: Principal) -> None:
    data = DealerPublic.model_validate(dealer).model_dump(mode="json") | {"actor": caller.subject}
    await emit(session, tables.outbox, type, data, dealer_ids=[dealer.id])
