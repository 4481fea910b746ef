"""`POST /v1/regions/bulk`: upsert by code, parents first, a few set-based statements per level."""

from typing import Any
from uuid import UUID

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.bulk import Batch, BulkResult, Status, upsert_by_key, written_events
from chassis.copies import Reference
from chassis.db import serialize
from chassis.errors import FieldError, ProblemError, Unprocessable
from chassis.identity import Principal
from chassis.outbox import emit_many
from chassis.validators import gb2260_level, gb2260_parent
from services.regions.models import Region, RegionKind, RegionLevel, tables
from services.regions.owners import check_owner
from services.regions.regions.schemas import RegionBulkItem, RegionPublic
from services.regions.regions.service import ADMIN_LEVELS, TREE_LOCK, level_for

REGIONS: Table = Region.__table__  # type: ignore[attr-defined]
ORDER = [
    RegionLevel.sales_area,
    RegionLevel.sales_district,
    RegionLevel.province,
    RegionLevel.prefecture,
    RegionLevel.county,
]


async def upsert(
    session: AsyncSession, raw: list[dict[str, Any]], *, caller: Principal, owners: Reference
) -> BulkResult:
    batch = Batch(raw, RegionBulkItem)
    batch.first_by_key("code")
    await _check_owners(session, batch, owners)
    await serialize(session, TREE_LOCK)
    wanted = {i.code for _, i in batch.valid} | {_parent_code(i) for _, i in batch.valid}
    known = {
        r.code: r
        for r in await session.scalars(select(Region).where(col(Region.code).in_(wanted - {None})))
    }
    parent_ids = {r.parent_id for r in known.values()} - {None}
    parents = await session.scalars(select(Region).where(col(Region.id).in_(parent_ids)))
    by_id = {r.id: r for r in [*known.values(), *parents]}
    levels = {index: _level_hint(item) for index, item in batch.valid}
    written: dict[int, tuple[Status, UUID]] = {}
    for level in ORDER:
        rows, indexes = [], []
        for index, item in list(batch.valid):
            if levels[index] != level:
                continue
            try:
                rows.append(_row(item, known, by_id))
                indexes.append(index)
            except ProblemError as exc:
                batch.reject(index, _as_item_error(exc))
        for index, (status, id_), row in zip(
            indexes, await upsert_by_key(session, REGIONS, rows), rows, strict=True
        ):
            written[index] = (status, id_)
            known[row["code"]] = by_id[id_] = Region(id=id_, **row)
    events = await written_events(
        session,
        REGIONS,
        RegionPublic,
        list(written.values()),
        prefix="region",
        actor=caller.subject,
    )
    await emit_many(session, tables.outbox, events)
    return batch.result(written)


async def _check_owners(
    session: AsyncSession, batch: Batch[RegionBulkItem], owners: Reference
) -> None:
    """An item naming an unknown or deleted advisor is invalid; each advisor is checked once.
    The advisors service being unreachable fails the whole request (503, nothing written)."""
    verdicts: dict[UUID, FieldError | None] = {}
    for index, item in list(batch.valid):
        owner = item.owner_id
        if owner is None:
            continue
        if owner not in verdicts:
            try:
                await check_owner(session, owners, owner)
                verdicts[owner] = None
            except Unprocessable as exc:
                verdicts[owner] = exc.errors[0]
        error = verdicts[owner]
        if error is not None:
            batch.reject(index, error)


def _parent_code(item: RegionBulkItem) -> str | None:
    if item.parent_code is not None or item.kind is RegionKind.sales:
        return item.parent_code
    return gb2260_parent(item.code)


def _level_hint(item: RegionBulkItem) -> RegionLevel:
    """The level the code implies, to order the passes; the rules proper run in `_row`."""
    if item.kind is RegionKind.sales:
        return RegionLevel.sales_district if item.parent_code else RegionLevel.sales_area
    level = gb2260_level(item.code)
    # a malformed code goes to the first pass, which refuses it with its reason
    return ADMIN_LEVELS[level] if level is not None else RegionLevel.sales_area


def _row(
    item: RegionBulkItem, known: dict[str, Region], by_id: dict[UUID, Region]
) -> dict[str, Any]:
    parent_code = _parent_code(item)
    parent = known.get(parent_code) if parent_code else None
    if parent_code and parent is None:
        raise _at_parent("no region has this code")
    current = known.get(item.code)
    if current is not None and parent_code is None and current.parent_id is not None:
        # a province named without `parent_code` keeps the sales region it was placed under
        parent = by_id.get(current.parent_id)
    level = level_for(item.kind, item.code, parent)
    if current is not None:
        if current.kind != item.kind:
            raise _at("#/kind", "differs from the stored region's kind")
        if current.parent_id != (parent.id if parent else None):
            raise _at_parent("differs from the stored parent; move the region with PATCH")
    return {
        "code": item.code,
        "name": item.name,
        "kind": item.kind.value,
        "level": level.value,
        "parent_id": parent.id if parent else None,
        # fields an item leaves out keep their stored value
        "owner_id": _given(item, "owner_id", current),
        "key_market": _given(item, "key_market", current),
    }


def _given(item: RegionBulkItem, name: str, current: Region | None) -> Any:
    if current is None or name in item.model_fields_set:
        return getattr(item, name)
    return getattr(current, name)


class _ItemError(ProblemError):
    status = 422


def _at(pointer: str, detail: str) -> _ItemError:
    return _ItemError(detail, errors=[FieldError(pointer, detail)])


def _at_parent(detail: str) -> _ItemError:
    return _at("#/parent_code", detail)


def _as_item_error(exc: ProblemError) -> FieldError:
    error = exc.errors[0] if exc.errors else FieldError("#", exc.detail)
    if error.pointer == "#/parent_id":
        return FieldError("#/parent_code", error.detail)
    return error
