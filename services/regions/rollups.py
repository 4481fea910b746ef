"""Sums over a region's subtree in one GROUP BY per figure: the root's own figure, and each
branch (a child of the root with everything below it)."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.regions import tree


async def by_branch(
    session: AsyncSession,
    root_id: UUID,
    region_col: Any,
    value: Any,
    *where: ColumnElement[bool],
    extra_from: Any = None,
) -> dict[UUID, Decimal]:
    """`sum(value)` per branch of `root_id`, over rows whose `region_col` lies in the subtree."""
    b = tree.branches(root_id)
    stmt: Select[Any] = select(b.c.branch, func.sum(value)).join(b, region_col == b.c.id)
    if extra_from is not None:
        stmt = stmt.select_from(extra_from)
    stmt = stmt.where(*where).group_by(b.c.branch)
    return {k: Decimal(v) for k, v in (await session.execute(stmt)).all() if v is not None}


async def own(
    session: AsyncSession,
    region_ids: list[UUID],
    region_col: Any,
    value: Any,
    *where: ColumnElement[bool],
) -> dict[UUID, Decimal]:
    """`sum(value)` per region over the regions' own rows."""
    stmt = (
        select(region_col, func.sum(value))
        .where(region_col.in_(region_ids), *where)
        .group_by(region_col)
    )
    return {k: Decimal(v) for k, v in (await session.execute(stmt)).all() if v is not None}


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (numerator / denominator).quantize(Decimal("0.0001"))
