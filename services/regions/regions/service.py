"""Rules and queries of the region tree. Services flush; the request's session commits."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, NotFound, field_error
from chassis.outbox import emit
from chassis.pagination import paginate
from chassis.validators import AdminLevel, gb2260_level, gb2260_parent
from services.regions.models import Region, RegionKind, RegionLevel, tables
from services.regions.regions.schemas import RegionCreate, RegionPublic, RegionUpdate

_ADMIN_LEVELS = {
    AdminLevel.province: RegionLevel.province,
    AdminLevel.prefecture: RegionLevel.prefecture,
    AdminLevel.county: RegionLevel.county,
}


async def get(session: AsyncSession, region_id: UUID) -> Region:
    region = await session.get(Region, region_id)
    if region is None:
        raise NotFound(f"Region {region_id} does not exist.")
    return region


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    kind: RegionKind | None = None,
    level: RegionLevel | None = None,
    parent_id: UUID | None = None,
    code: str | None = None,
) -> tuple[list[Region], str | None]:
    stmt = select(Region)
    if kind is not None:
        stmt = stmt.where(col(Region.kind) == kind)
    if level is not None:
        stmt = stmt.where(col(Region.level) == level)
    if parent_id is not None:
        stmt = stmt.where(col(Region.parent_id) == parent_id)
    if code is not None:
        stmt = stmt.where(col(Region.code) == code)
    return await paginate(session, stmt, col(Region.id), limit=limit, cursor=cursor)


async def _parent(session: AsyncSession, parent_id: UUID | None) -> Region | None:
    if parent_id is None:
        return None
    parent = await session.get(Region, parent_id)
    if parent is None:
        raise field_error("#/parent_id", "no region has this id")
    return parent


def _admin_level(code: str, parent: Region | None) -> RegionLevel:
    level = gb2260_level(code)
    if level is None:
        raise field_error("#/code", "an administrative region needs a six-digit GB/T 2260 code")
    expected_parent = gb2260_parent(code)
    if expected_parent is None and parent is not None:
        raise field_error("#/parent_id", "a province has no parent region")
    if expected_parent is not None and (parent is None or parent.code != expected_parent):
        raise field_error("#/parent_id", f"the parent of {code} must be region {expected_parent}")
    return _ADMIN_LEVELS[level]


def _sales_level(code: str, parent: Region | None) -> RegionLevel:
    if gb2260_level(code) is not None:
        raise field_error("#/code", "six-digit codes are reserved for GB/T 2260 regions")
    if parent is None:
        return RegionLevel.sales_area
    if parent.level != RegionLevel.sales_area:
        raise field_error("#/parent_id", "a sales district belongs to a sales area")
    return RegionLevel.sales_district


async def create(session: AsyncSession, data: RegionCreate, *, actor: str) -> Region:
    parent = await _parent(session, data.parent_id)
    if data.kind is RegionKind.administrative:
        level = _admin_level(data.code, parent)
    else:
        level = _sales_level(data.code, parent)
    if await session.scalar(select(exists().where(col(Region.code) == data.code))):
        raise Conflict(f"A region with code {data.code} already exists.", field="code")
    region = Region(
        code=data.code, name=data.name, kind=data.kind, level=level, parent_id=data.parent_id
    )
    session.add(region)
    await session.flush()
    await _emit(session, "region.created", region, actor)
    return region


async def update(
    session: AsyncSession, region: Region, data: RegionUpdate, *, actor: str
) -> Region:
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise field_error("#/name", "may not be null")
    for name, value in changes.items():
        setattr(region, name, value)
    region.updated_at = datetime.now(UTC)
    await session.flush()
    await _emit(session, "region.updated", region, actor)
    return region


async def delete(session: AsyncSession, region: Region, *, actor: str) -> None:
    if await session.scalar(select(exists().where(col(Region.parent_id) == region.id))):
        raise Conflict(f"Region {region.code} has child regions; move or delete them first.")
    await _emit(session, "region.deleted", region, actor)
    await session.delete(region)
    await session.flush()


async def _emit(session: AsyncSession, type: str, region: Region, actor: str) -> None:
    data = RegionPublic.model_validate(region).model_dump(mode="json") | {"actor": actor}
    await emit(session, tables.outbox, type, data)
