"""Rules and queries of the region tree. Services flush; the request's session commits."""

from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.copies import Reference, refuse_if_referenced
from chassis.db import serialize
from chassis.errors import Conflict, NotFound, field_error
from chassis.fastread import fetch_row
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, must_exist, no_nulls, page
from chassis.validators import AdminLevel, gb2260_level, gb2260_parent
from services.regions import tree
from services.regions.models import (
    Budget,
    MarketPlan,
    MarketSurvey,
    Region,
    RegionKind,
    RegionLevel,
    Target,
    TargetActual,
    inbound_references,
    tables,
)
from services.regions.owners import check_owner
from services.regions.regions.schemas import RegionCreate, RegionPublic, RegionUpdate

TREE_LOCK = "regions.tree"
ADMIN_LEVELS = {
    AdminLevel.province: RegionLevel.province,
    AdminLevel.prefecture: RegionLevel.prefecture,
    AdminLevel.county: RegionLevel.county,
}
SALES_LEVELS = (RegionLevel.sales_area, RegionLevel.sales_district)
REGIONS_TABLE = Region.__table__  # type: ignore[attr-defined]


async def read(session: AsyncSession, region_id: UUID) -> dict[str, Any]:
    """A region for reading only: the lean path, no ORM object (GET-by-id is the hottest call)."""
    row = await fetch_row(session, REGIONS_TABLE, REGIONS_TABLE.c.id, region_id)
    if row is None:
        raise NotFound(f"Region {region_id} does not exist.")
    return row


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    filters: dict[str, Any],
    ancestor: UUID | None = None,
) -> tuple[list[Region], str | None]:
    stmt = select(Region)
    if ancestor is not None:
        below = tree.subtree(ancestor)
        stmt = stmt.where(col(Region.id).in_(select(below.c.id)), col(Region.id) != ancestor)
    return await page(session, Region, filters, limit=limit, cursor=cursor, stmt=stmt)


async def breadcrumb(session: AsyncSession, region: Region) -> list[Region]:
    up = tree.ancestors(region.id)
    stmt = select(Region).join(up, up.c.id == col(Region.id)).order_by(up.c.depth.desc())
    return list((await session.scalars(stmt)).all())


def admin_level(code: str, parent: Region | None) -> RegionLevel:
    level = gb2260_level(code)
    if level is None:
        raise field_error("#/code", "an administrative region needs a six-digit GB/T 2260 code")
    expected_parent = gb2260_parent(code)
    if expected_parent is None:
        if parent is not None and parent.kind != RegionKind.sales:
            raise field_error("#/parent_id", "a province has no parent but a sales region")
    elif parent is None or parent.code != expected_parent:
        raise field_error("#/parent_id", f"the parent of {code} must be region {expected_parent}")
    return ADMIN_LEVELS[level]


def sales_level(code: str, parent: Region | None) -> RegionLevel:
    if gb2260_level(code) is not None:
        raise field_error("#/code", "six-digit codes are reserved for GB/T 2260 regions")
    if parent is None:
        return RegionLevel.sales_area
    if parent.level != RegionLevel.sales_area:
        raise field_error("#/parent_id", "a sales district belongs to a sales area")
    return RegionLevel.sales_district


def level_for(kind: RegionKind, code: str, parent: Region | None) -> RegionLevel:
    return (
        admin_level(code, parent)
        if kind == RegionKind.administrative
        else sales_level(code, parent)
    )


async def _parent(session: AsyncSession, parent_id: UUID | None) -> Region | None:
    if parent_id is None:
        return None
    return await must_exist(session, Region, parent_id, "#/parent_id")


async def create(
    session: AsyncSession, data: RegionCreate, *, caller: Principal, owners: Reference
) -> Region:
    parent = await _parent(session, data.parent_id)
    level = level_for(data.kind, data.code, parent)
    if await session.scalar(select(exists().where(col(Region.code) == data.code))):
        raise Conflict(f"A region with code {data.code} already exists.", field="code")
    await check_owner(session, owners, data.owner_id)
    region = Region(
        code=data.code,
        name=data.name,
        kind=data.kind,
        level=level,
        parent_id=data.parent_id,
        owner_id=data.owner_id,
        key_market=data.key_market,
    )
    session.add(region)
    await session.flush()
    await emit_region(session, "region.created", region, caller)
    return region


async def update(
    session: AsyncSession,
    region: Region,
    data: RegionUpdate,
    *,
    caller: Principal,
    owners: Reference,
) -> Region:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("name", "key_market"))
    if "owner_id" in changes:
        await check_owner(session, owners, changes["owner_id"])
    moved = "parent_id" in changes and changes.pop("parent_id") != region.parent_id
    if moved:
        await _move(session, region, data.parent_id)
    apply_changes(region, changes)
    await session.flush()
    await emit_region(session, "region.moved" if moved else "region.updated", region, caller)
    return region


async def _move(session: AsyncSession, region: Region, parent_id: UUID | None) -> None:
    await serialize(session, TREE_LOCK)
    parent = await _parent(session, parent_id)
    if parent is not None:
        below = tree.subtree(region.id)
        if await session.scalar(select(exists().where(below.c.id == parent.id))):
            raise field_error("#/parent_id", "the new parent lies inside this region: a cycle")
    level = level_for(region.kind, region.code, parent)
    if level == RegionLevel.sales_district and await _has_children(session, region, sales=True):
        raise field_error("#/parent_id", "a sales area with sales districts can't become one")
    region.parent_id, region.level = parent_id, level


async def _has_children(session: AsyncSession, region: Region, *, sales: bool = False) -> bool:
    cond = col(Region.parent_id) == region.id
    if sales:
        cond = cond & (col(Region.kind) == RegionKind.sales)
    return bool(await session.scalar(select(exists().where(cond))))


async def delete(session: AsyncSession, region: Region, *, caller: Principal) -> None:
    """Refused (409) while the region holds anything of its own or another service's records
    still name it, every reason in one answer."""
    await serialize(session, TREE_LOCK)
    contents = await _contents(session, region)
    try:
        await refuse_if_referenced(session, inbound_references, region.id, f"Region {region.code}")
    except Conflict as referenced:
        raise _undeletable(region, contents, referenced) from None
    if contents:
        raise _undeletable(region, contents, None)
    await emit_region(session, "region.deleted", region, caller)
    await session.delete(region)
    await session.flush()


# What a region may hold that keeps it from being deleted: (key in the problem, column, words).
_CONTENTS: list[tuple[str, Any, str]] = [
    ("child_regions", Region.parent_id, "child regions"),
    ("market_surveys", MarketSurvey.region_id, "market surveys"),
    ("targets", Target.region_id, "targets"),
    ("target_actuals", TargetActual.region_id, "target actuals"),
    ("budgets", Budget.region_id, "budgets"),
    ("market_plans", MarketPlan.region_id, "market plans"),
]


async def _contents(session: AsyncSession, region: Region) -> dict[str, int]:
    """How many of each kind of record the region holds, the kinds it holds none of left out."""
    counts = [
        select(func.count()).where(col(column) == region.id).scalar_subquery()
        for _, column, _ in _CONTENTS
    ]
    row = (await session.execute(select(*counts))).one()
    return {key: n for (key, _, _), n in zip(_CONTENTS, row, strict=True) if n}


def _undeletable(region: Region, contents: dict[str, int], referenced: Conflict | None) -> Conflict:
    """One 409 with every reason: `contents` counts what the region holds, `references` which
    records of other services name it."""
    words = {key: what for key, _, what in _CONTENTS}
    reasons: list[str] = []
    extra: dict[str, Any] = {}
    if contents:
        held = ", ".join(f"{n} {words[key]}" for key, n in contents.items())
        reasons.append(f"Region {region.code} holds {held}; move or delete them first.")
        extra["contents"] = contents
    if referenced is not None:
        reasons.append(referenced.detail)
        extra |= referenced.extra
    return Conflict(" ".join(reasons), **extra)


async def emit_region(
    session: AsyncSession, type: str, region: Region, caller: Principal, **extra: Any
) -> None:
    """A region event: the region as the API shows it, the actor, and what the event adds."""
    data = RegionPublic.model_validate(region).model_dump(mode="json")
    await emit(session, tables.outbox, type, data | {"actor": caller.subject} | extra)
