"""Targets per region, period and metric; actuals; the cascade check and achievement rollups."""

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Select, Table, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.copies import Reference
from chassis.db import new_id
from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.outbox import emit, emit_many
from chassis.pagination import decode_cursor
from chassis.queries import apply_changes, must_exist, no_nulls, page, split_page
from services.regions import rollups, tree
from services.regions.models import Region, Target, TargetActual, TargetMetric, tables
from services.regions.owners import check_owner
from services.regions.periods import month_range, months_between, sub_period
from services.regions.targets.schemas import (
    Achievement,
    AchievementReport,
    ActualIn,
    ActualPublic,
    CascadeGap,
    PeriodAchievement,
    TargetCreate,
    TargetPublic,
    TargetUpdate,
)

HUNDRED = Decimal(100)


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, filters: dict[str, Any]
) -> tuple[list[Target], str | None]:
    return await page(session, Target, filters, limit=limit, cursor=cursor)


def _check_value(metric: TargetMetric, value: Decimal, pointer: str = "#/value") -> None:
    if metric == TargetMetric.market_share and value > HUNDRED:
        raise field_error(pointer, "a market share is at most 100 (%)")


async def create(
    session: AsyncSession, data: TargetCreate, *, caller: Principal, owners: Reference
) -> Target:
    await must_exist(session, Region, data.region_id, "#/region_id")
    _check_value(data.metric, data.value)
    await check_owner(session, owners, data.owner_id)
    taken = and_(
        col(Target.region_id) == data.region_id,
        col(Target.period) == data.period,
        col(Target.metric) == data.metric,
    )
    if await session.scalar(select(exists().where(taken))):
        raise Conflict("This region already has a target for that period and metric.")
    target = Target(**data.model_dump())
    session.add(target)
    await session.flush()
    await _emit(session, "target.created", target, caller)
    return target


async def update(
    session: AsyncSession,
    target: Target,
    data: TargetUpdate,
    *,
    caller: Principal,
    owners: Reference,
) -> Target:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("value",))
    if "value" in changes:
        _check_value(TargetMetric(target.metric), changes["value"])
    if "owner_id" in changes:
        await check_owner(session, owners, changes["owner_id"])
    apply_changes(target, changes)
    await session.flush()
    await _emit(session, "target.updated", target, caller)
    return target


async def delete(session: AsyncSession, target: Target, *, caller: Principal) -> None:
    await _emit(session, "target.deleted", target, caller)
    await session.delete(target)
    await session.flush()


async def _emit(session: AsyncSession, type: str, target: Target, caller: Principal) -> None:
    data = TargetPublic.model_validate(target).model_dump(mode="json")
    await emit(session, tables.outbox, type, data | {"actor": caller.subject})


async def record_actuals(
    session: AsyncSession, items: list[ActualIn], *, source: str, caller: Principal
) -> list[TargetActual]:
    """Set each (region, period, metric) actual; all items or none."""
    seen: dict[tuple[UUID, str, str], int] = {}
    for i, item in enumerate(items):
        key = (item.region_id, item.period, item.metric.value)
        if key in seen:
            raise field_error(f"#/items/{i}", f"repeats item {seen[key]}")
        seen[key] = i
        _check_value(item.metric, item.value, f"#/items/{i}/value")
    region_ids = {i.region_id for i in items}
    found = set(await session.scalars(select(col(Region.id)).where(col(Region.id).in_(region_ids))))
    for i, item in enumerate(items):
        if item.region_id not in found:
            raise field_error(f"#/items/{i}/region_id", "no region has this id")
    existing = {
        (a.region_id, a.period, str(a.metric)): a
        for a in await session.scalars(
            select(TargetActual).where(col(TargetActual.region_id).in_(region_ids))
        )
    }
    now = datetime.now(UTC)
    rows = []
    for item in items:
        row = existing.get((item.region_id, item.period, item.metric.value))
        if row is None:
            row = TargetActual(id=new_id(), **item.model_dump(), source=source)
            session.add(row)
        row.value, row.source, row.updated_at = item.value, source, now
        rows.append(row)
    await session.flush()
    events: list[tuple[str, dict[str, Any], list[UUID]]] = [
        (
            "target_actual.recorded",
            ActualPublic.model_validate(r).model_dump(mode="json") | {"actor": caller.subject},
            [],
        )
        for r in rows
    ]
    await emit_many(session, tables.outbox, events)
    return rows


async def list_actuals(
    session: AsyncSession, *, limit: int, cursor: str | None, filters: dict[str, Any]
) -> tuple[list[TargetActual], str | None]:
    return await page(session, TargetActual, filters, limit=limit, cursor=cursor)


async def cascade_gaps(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    period: str | None,
    metric: TargetMetric | None,
    ancestor: UUID | None,
) -> tuple[list[CascadeGap], str | None]:
    """Parents whose children's targets (same metric and period) don't add up to their own.
    Market shares don't add up, so they are left out."""
    targets: Table = Target.__table__  # type: ignore[attr-defined]
    region: Table = Region.__table__  # type: ignore[attr-defined]
    parent, child_region, child = targets.alias("p"), region.alias("cr"), targets.alias("c")
    children_total = func.coalesce(func.sum(child.c.value), 0)
    stmt: Select[Any] = (
        select(
            parent.c.id,
            parent.c.region_id,
            region.c.code,
            parent.c.period,
            parent.c.metric,
            parent.c.value,
            children_total,
        )
        .join(region, region.c.id == parent.c.region_id)
        .join(child_region, child_region.c.parent_id == parent.c.region_id)
        .outerjoin(
            child,
            and_(
                child.c.region_id == child_region.c.id,
                child.c.period == parent.c.period,
                child.c.metric == parent.c.metric,
            ),
        )
        .where(parent.c.metric != TargetMetric.market_share.value)
        .group_by(
            parent.c.id,
            parent.c.region_id,
            region.c.code,
            parent.c.period,
            parent.c.metric,
            parent.c.value,
        )
        .having(children_total != parent.c.value)
        .order_by(parent.c.id)
        .limit(limit + 1)
    )
    if period is not None:
        first, last = month_range(period)
        stmt = stmt.where(parent.c.period.between(first, last))
    if metric is not None:
        stmt = stmt.where(parent.c.metric == metric.value)
    if ancestor is not None:
        stmt = stmt.where(parent.c.region_id.in_(select(tree.subtree(ancestor).c.id)))
    if cursor:
        stmt = stmt.where(parent.c.id > decode_cursor(cursor))
    rows, next_cursor = split_page((await session.execute(stmt)).all(), limit, lambda r: r[0])
    gaps = [
        CascadeGap(
            target_id=r[0],
            region_id=r[1],
            region_code=r[2],
            period=r[3],
            metric=r[4],
            target=Decimal(r[5]),
            children_total=Decimal(r[6]),
            difference=Decimal(r[6]) - Decimal(r[5]),
        )
        for r in rows
    ]
    return gaps, next_cursor


def _in_range(table: Any, metric: TargetMetric, first: str, last: str) -> list[Any]:
    """Rows of the metric in the months; for a level metric only each region's latest month."""
    where = [table.metric == metric.value, table.period.between(first, last)]
    if not metric.flows:
        inner = table.__table__.alias("latest")
        latest = (
            select(func.max(inner.c.period))
            .where(
                inner.c.region_id == table.region_id,
                inner.c.metric == metric.value,
                inner.c.period.between(first, last),
            )
            .scalar_subquery()
        )
        where.append(table.period == latest)
    return where


async def figures(
    session: AsyncSession,
    root: Region,
    kids: list[Region],
    metric: TargetMetric,
    first: str,
    last: str,
) -> tuple[dict[UUID, Decimal], dict[UUID, Decimal]]:
    """(targets, actuals) by region for the root and its children in the months."""
    ids = [root.id, *(k.id for k in kids)]
    t, a = Target, TargetActual
    targets = await rollups.own(
        session, ids, col(t.region_id), col(t.value), *_in_range(t, metric, first, last)
    )
    if metric.additive:
        actuals = await rollups.by_branch(
            session, root.id, col(a.region_id), col(a.value), *_in_range(a, metric, first, last)
        )
        if actuals:  # the root's figure is its whole subtree's
            actuals[root.id] = sum(actuals.values(), Decimal(0))
    else:
        actuals = await rollups.own(
            session, ids, col(a.region_id), col(a.value), *_in_range(a, metric, first, last)
        )
    return targets, actuals


def _row(
    region: Region, targets: dict[UUID, Decimal], actuals: dict[UUID, Decimal]
) -> dict[str, Any]:
    target, actual = targets.get(region.id), actuals.get(region.id)
    return {
        "region_id": region.id,
        "region_code": region.code,
        "region_name": region.name,
        "target": target,
        "actual": actual,
        "achievement": rollups.ratio(actual, target),
    }


async def achievement(
    session: AsyncSession, root: Region, metric: TargetMetric, period: str, by: str | None
) -> AchievementReport:
    first, last = month_range(period)
    kids = list(
        await session.scalars(
            select(Region).where(col(Region.parent_id) == root.id).order_by(col(Region.code))
        )
    )
    targets, actuals = await figures(session, root, kids, metric, first, last)
    series = [] if by is None else await _series(session, root, metric, first, last, by)
    return AchievementReport(
        **_row(root, targets, actuals),
        metric=metric,
        period=period,
        first_month=first,
        last_month=last,
        children=[Achievement(**_row(k, targets, actuals)) for k in kids],
        series=series,
    )


async def _series(
    session: AsyncSession, root: Region, metric: TargetMetric, first: str, last: str, by: str
) -> list[PeriodAchievement]:
    label_of = {month: sub_period(month, by) for month in months_between(first, last)}
    if metric.flows:
        return await _flow_series(session, root, metric, label_of)
    buckets: dict[str, list[str]] = defaultdict(list)
    for month, label in label_of.items():
        buckets[label].append(month)
    out = []
    for label, months in buckets.items():  # levels: each sub-period's latest month, ≤ 12 rounds
        targets, actuals = await figures(session, root, [], metric, months[0], months[-1])
        row = _row(root, targets, actuals)
        out.append(PeriodAchievement(period=label, **_figures_of(row)))
    return out


async def _flow_series(
    session: AsyncSession, root: Region, metric: TargetMetric, label_of: dict[str, str]
) -> list[PeriodAchievement]:
    """Month sums in two GROUP BY queries, added up into the sub-periods. Only the months of the
    range count: a stored period that is no such month (written around the API) counts nowhere."""
    first, last = min(label_of), max(label_of)
    below = select(tree.subtree(root.id).c.id)
    sums: dict[str, dict[str, Decimal]] = {
        "target": defaultdict(Decimal),
        "actual": defaultdict(Decimal),
    }
    for name, table, regions in (("target", Target, [root.id]), ("actual", TargetActual, below)):
        stmt = (
            select(col(table.period), func.sum(col(table.value)))
            .where(
                col(table.region_id).in_(regions),
                col(table.metric) == metric.value,
                col(table.period).between(first, last),
            )
            .group_by(col(table.period))
        )
        for month, value in (await session.execute(stmt)).all():
            if month in label_of:
                sums[name][label_of[month]] += Decimal(value)
    return [
        PeriodAchievement(
            period=label,
            target=sums["target"].get(label),
            actual=sums["actual"].get(label),
            achievement=rollups.ratio(sums["actual"].get(label), sums["target"].get(label)),
        )
        for label in dict.fromkeys(label_of.values())
    ]


def _figures_of(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("target", "actual", "achievement")}
