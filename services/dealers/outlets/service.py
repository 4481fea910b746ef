"""Rules and queries of outlets: a partner sees and writes only its dealers' outlets; a change
of supplying dealer is recorded as a transition, in single writes and in bulk alike."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.responses import Response

from chassis.bulk import Batch, lookup, upsert_by_key, written_events
from chassis.copies import Reference
from chassis.db import new_id
from chassis.errors import Conflict, FieldError, field_error
from chassis.identity import Principal
from chassis.outbox import emit, emit_many
from chassis.queries import apply_changes, no_nulls, page
from services.dealers.models import Outlet, OutletMove, OutletStatus, tables
from services.dealers.outlets.schemas import (
    OutletCreate,
    OutletPublic,
    OutletTransitionCreate,
    OutletTransitionPublic,
    OutletUpdate,
)
from services.dealers.partners import get_owned, known_dealers
from services.dealers.references.advisors import in_words, remote_references
from services.dealers.references.regions import region_problems
from services.dealers.transitions import already, not_before
from services.dealers.unique import check_unique

_REQUIRED = ("name", "type", "grade", "region_id", "status")
BULK_MOVE_REASON = "bulk upsert"
OUTLETS: Table = Outlet.__table__  # type: ignore[attr-defined]
MICRO_DEGREE = Decimal("0.000001")


async def get(session: AsyncSession, outlet_id: UUID, *, caller: Principal) -> Outlet:
    """The outlet, or 404 when it does not exist or belongs to a dealer the caller can't act for."""
    return await get_owned(session, Outlet, outlet_id, "Outlet", caller)


async def list_page(
    session: AsyncSession, *, caller: Principal, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[Outlet], str | None]:
    stmt = select(Outlet)
    if caller.is_partner:
        stmt = stmt.where(col(Outlet.dealer_id).in_(caller.dealer_ids))
    return await page(session, Outlet, filters, limit=limit, cursor=cursor, stmt=stmt)


async def _check_dealer(
    session: AsyncSession, dealer_id: UUID, caller: Principal, pointer: str = "#/dealer_id"
) -> None:
    if not await known_dealers(session, [dealer_id], caller):
        raise field_error(pointer, f"dealer {dealer_id} does not exist")


def _closing(changes: dict[str, Any], outlet: Outlet | None) -> dict[str, Any]:
    """An outlet closed without a date closed today; coordinates kept to six decimals."""
    for name in ("latitude", "longitude"):
        if changes.get(name) is not None:
            changes[name] = _degrees(changes[name])
    closed = changes.get("status") == OutletStatus.closed
    already_closed = outlet is not None and outlet.closed_on is not None
    if closed and changes.get("closed_on") is None and not already_closed:
        changes["closed_on"] = datetime.now(UTC).date()
    return changes


def _coordinates(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("latitude", "longitude"):
        if row[name] is not None:
            row[name] = _degrees(row[name])
    return row


def _degrees(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(MICRO_DEGREE)


async def create(
    session: AsyncSession, data: OutletCreate, *, caller: Principal, regions: Reference
) -> Outlet:
    await _check_dealer(session, data.dealer_id, caller)
    changes = _closing(data.model_dump(), None)
    await check_unique(session, Outlet, changes, None, ("code",), "outlet")
    await regions.check(session, data.region_id, "#/region_id")
    outlet = Outlet(**changes)
    session.add(outlet)
    await session.flush()
    await _emit(session, "outlet.created", outlet, caller)
    return outlet


async def update(
    session: AsyncSession,
    outlet: Outlet,
    data: OutletUpdate,
    *,
    caller: Principal,
    regions: Reference,
) -> Outlet:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, _REQUIRED)
    if changes.get("region_id", outlet.region_id) != outlet.region_id:
        await regions.check(session, changes["region_id"], "#/region_id")
    apply_changes(outlet, _closing(changes, outlet))
    await session.flush()
    await _emit(session, "outlet.updated", outlet, caller)
    return outlet


async def delete(session: AsyncSession, outlet: Outlet, *, caller: Principal) -> None:
    """Refused (409) while the advisors service's assignments or visits name the outlet."""
    remote = await remote_references(session, outlet.id)
    if remote:
        counts = [in_words(kind, n) for kind, n in remote.items()]
        raise Conflict(
            f"Outlet {outlet.id} is still referenced by {', '.join(counts)}: end or delete them "
            "there first.",
            errors=[FieldError("#", f"is referenced by {count}") for count in counts],
            references=remote,
        )
    await _emit(session, "outlet.deleted", outlet, caller)
    await session.delete(outlet)
    await session.flush()


async def transition(
    session: AsyncSession, outlet: Outlet, data: OutletTransitionCreate, *, caller: Principal
) -> OutletMove:
    """Hand the outlet to another supplying dealer (`to`), recording from whom, when and why."""
    if data.to == outlet.dealer_id:
        raise already("Outlet", f"supplied by dealer {data.to}")
    await _check_dealer(session, data.to, caller, "#/to")
    previous = await session.scalar(
        select(func.max(col(OutletMove.moved_on))).where(col(OutletMove.outlet_id) == outlet.id)
    )
    today = datetime.now(UTC).date()
    if data.on is not None:
        not_before(data.on, previous, "#/on", "outlet")
    record = OutletMove(
        outlet_id=outlet.id,
        from_dealer_id=outlet.dealer_id,
        to_dealer_id=data.to,
        moved_on=data.on or max(today, previous or today),
        reason=data.reason,
        actor=caller.subject,
    )
    apply_changes(outlet, {"dealer_id": data.to})
    session.add(record)
    await session.flush()
    payload = OutletTransitionPublic.model_validate(record).model_dump(mode="json", by_alias=True)
    dealers = [record.from_dealer_id, record.to_dealer_id]
    await emit(session, tables.outbox, "outlet.moved", payload, dealer_ids=dealers)
    return record


async def history(
    session: AsyncSession, outlet_id: UUID, *, limit: int, cursor: str | None
) -> tuple[list[OutletMove], str | None]:
    return await page(session, OutletMove, {"outlet_id": outlet_id}, limit=limit, cursor=cursor)


async def bulk_upsert(
    session: AsyncSession, raw: list[dict[str, Any]], *, caller: Principal, regions: Reference
) -> Response:
    """Upsert outlets by code; an item naming another supplying dealer records a transition."""
    batch = Batch(raw, OutletCreate)
    batch.first_by_key("code")
    allowed = await known_dealers(session, {m.dealer_id for _, m in batch.valid}, caller)
    for index, item in list(batch.valid):
        if item.dealer_id not in allowed:
            batch.reject(
                index, FieldError("#/dealer_id", f"dealer {item.dealer_id} does not exist")
            )
    unknown = await region_problems(session, regions, {m.region_id for _, m in batch.valid})
    for index, item in list(batch.valid):
        if item.region_id in unknown:
            batch.reject(index, unknown[item.region_id])
    codes = [m.code for _, m in batch.valid]
    found = await lookup(session, OUTLETS, "code", codes, ("id", "dealer_id"))
    existing = {code: (id_, dealer) for code, id_, dealer in found}
    for index, item in list(batch.valid):
        known = existing.get(item.code)
        if known is not None and not caller.can_act_for(known[1]):
            batch.reject(index, FieldError("#/code", "is not available"))
    indices = [i for i, _ in batch.valid]
    # the fields as validated (flat: no nested models), without the cost of model_dump
    rows = [_coordinates(dict(item.__dict__)) for _, item in batch.valid]
    omitted = [Batch.omitted(item) for _, item in batch.valid]
    written = await upsert_by_key(
        session, OUTLETS, rows, existing={c: v[0] for c, v in existing.items()}, omitted=omitted
    )
    await _record_bulk_moves(session, rows, existing, caller)
    events = await written_events(
        session,
        OUTLETS,
        OutletPublic,
        written,
        prefix="outlet",
        actor=caller.subject,
        dealer_ids=lambda record: [record["dealer_id"]],
    )
    await emit_many(session, tables.outbox, events)
    return batch.response(dict(zip(indices, written, strict=True)))


async def _record_bulk_moves(
    session: AsyncSession,
    rows: list[dict[str, Any]],
    existing: dict[str, tuple[UUID, UUID]],
    caller: Principal,
) -> None:
    today: date = datetime.now(UTC).date()
    now = datetime.now(UTC)
    moved = [
        {
            "id": new_id(),
            "outlet_id": existing[row["code"]][0],
            "from_dealer_id": existing[row["code"]][1],
            "to_dealer_id": row["dealer_id"],
            "moved_on": today,
            "reason": BULK_MOVE_REASON,
            "actor": caller.subject,
            "created_at": now,
        }
        for row in rows
        if row["code"] in existing and existing[row["code"]][1] != row["dealer_id"]
    ]
    if moved:
        await session.execute(insert(OutletMove.__table__), moved)  # type: ignore[attr-defined]


async def _emit(session: AsyncSession, type: str, outlet: Outlet, caller: Principal) -> None:
    data = OutletPublic.model_validate(outlet).model_dump(mode="json") | {"actor": caller.subject}
    await emit(session, tables.outbox, type, data, dealer_ids=[outlet.dealer_id])
