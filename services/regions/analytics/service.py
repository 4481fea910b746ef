"""Analytics from census surveys. A region's figure for a month is its own survey when it has
one, else its descendants' surveys of that month aggregated (sums, capacity-weighted shares)."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.regions import tree
from services.regions.analytics.schemas import (
    Contender,
    Coverage,
    Landscape,
    SurveyMetric,
    Trend,
    TrendPoint,
)
from services.regions.market.measures import coverage as coverage_of
from services.regions.market.measures import gap_to_leader
from services.regions.models import Competitor, MarketSurvey, Region, SurveyLine

S = MarketSurvey
CENT = Decimal("0.01")


def _aggregates() -> list[Any]:
    weight = func.sum(col(S.capacity_amount))
    return [
        func.count(col(S.id)),
        func.sum(col(S.population)),
        func.sum(col(S.households)),
        weight,
        func.sum(col(S.capacity_volume)),
        func.sum(col(S.outlets_total)),
        func.sum(col(S.outlets_covered)),
        func.sum(col(S.our_sales)),
        func.sum(col(S.our_share) * col(S.capacity_amount)),
        func.avg(col(S.our_share)),
    ]


_NAMES = [
    "surveys",
    "population",
    "households",
    "capacity_amount",
    "capacity_volume",
    "outlets_total",
    "outlets_covered",
    "our_sales",
    "weighted_share",
    "mean_share",
]


def _value(row: dict[str, Any], metric: SurveyMetric) -> Decimal | None:
    if metric is SurveyMetric.coverage:
        share = coverage_of(row["outlets_covered"] or 0, row["outlets_total"] or 0)
        return None if share is None else share.quantize(CENT)
    if metric is SurveyMetric.our_share:
        return _share(row)
    value = row[metric.value]
    return None if value is None else Decimal(value)


def _share(row: dict[str, Any]) -> Decimal | None:
    if row["surveys"] == 0:
        return None
    capacity = Decimal(row["capacity_amount"] or 0)
    if capacity:
        return (Decimal(row["weighted_share"]) / capacity).quantize(CENT)
    return Decimal(row["mean_share"]).quantize(CENT)


async def _by_month(
    session: AsyncSession, region_ids: Any, first: str | None, last: str | None
) -> dict[str, dict[str, Any]]:
    stmt = select(col(S.period), *_aggregates()).where(col(S.region_id).in_(region_ids))
    if first:
        stmt = stmt.where(col(S.period) >= first)
    if last:
        stmt = stmt.where(col(S.period) <= last)
    rows = (await session.execute(stmt.group_by(col(S.period)))).all()
    return {r[0]: dict(zip(_NAMES, r[1:], strict=True)) for r in rows}


def _below(region: Region) -> Any:
    below = tree.subtree(region.id)
    return select(below.c.id).where(below.c.id != region.id)


async def trend(
    session: AsyncSession, region: Region, metric: SurveyMetric, first: str | None, last: str | None
) -> Trend:
    own = await _by_month(session, [region.id], first, last)
    children = await _by_month(session, _below(region), first, last)
    points = []
    for period in sorted(own.keys() | children.keys()):
        source, row = ("own", own[period]) if period in own else ("children", children[period])
        points.append(
            TrendPoint(
                period=period, value=_value(row, metric), surveys=row["surveys"], source=source
            )
        )
    return Trend(region_id=region.id, metric=metric, points=points)


async def latest_surveys(session: AsyncSession, region: Region) -> tuple[str | None, list[UUID]]:
    """The month of the region's latest own survey and that survey, else the latest month
    its descendants were surveyed and those surveys."""
    own = await session.scalar(
        select(col(S.id))
        .where(col(S.region_id) == region.id)
        .order_by(col(S.surveyed_on).desc())
        .limit(1)
    )
    if own is not None:
        survey = await session.get(S, own)
        assert survey is not None
        return survey.period, [own]
    below = _below(region)
    month = await session.scalar(select(func.max(col(S.period))).where(col(S.region_id).in_(below)))
    if month is None:
        return None, []
    ids = await session.scalars(
        select(col(S.id)).where(col(S.region_id).in_(_below(region)), col(S.period) == month)
    )
    return month, list(ids)


async def landscape(session: AsyncSession, region: Region) -> Landscape:
    period, ids = await latest_surveys(session, region)
    if not ids:
        return Landscape(
            region_id=region.id,
            period=None,
            surveys=0,
            ranking=[],
            our_rank=None,
            our_share=None,
            leader=None,
            gap_to_leader=None,
        )
    totals = dict(
        zip(
            _NAMES,
            (await session.execute(select(*_aggregates()).where(col(S.id).in_(ids)))).one(),
            strict=True,
        )
    )
    capacity = Decimal(totals["capacity_amount"] or 0)
    weight = col(S.capacity_amount) if capacity else 1
    divisor = capacity or Decimal(len(ids))
    lines = (
        await session.execute(
            select(
                col(Competitor.id),
                col(Competitor.name),
                func.sum(col(SurveyLine.share) * weight),
                func.sum(col(SurveyLine.outlets)),
            )
            .join(SurveyLine, col(SurveyLine.competitor_id) == col(Competitor.id))
            .join(S, col(S.id) == col(SurveyLine.survey_id))
            .where(col(S.id).in_(ids))
            .group_by(col(Competitor.id), col(Competitor.name))
        )
    ).all()
    entries: list[dict[str, Any]] = [
        {
            "competitor_id": cid,
            "name": name,
            "is_us": False,
            "share": (Decimal(w) / divisor).quantize(CENT),
            "outlets": int(o),
        }
        for cid, name, w, o in lines
    ]
    ours = _share(totals) or Decimal(0)
    entries.append(
        {
            "competitor_id": None,
            "name": "us",
            "is_us": True,
            "share": ours,
            "outlets": int(totals["outlets_covered"] or 0),
        }
    )
    # ties: we rank behind a competitor with the same share (being No. 1 means leading outright)
    entries.sort(key=lambda e: (-e["share"], e["is_us"], e["name"]))
    ranking = [Contender(rank=i + 1, **e) for i, e in enumerate(entries)]
    us = next(c for c in ranking if c.is_us)
    return Landscape(
        region_id=region.id,
        period=period,
        surveys=len(ids),
        ranking=ranking,
        our_rank=us.rank,
        our_share=us.share,
        leader=ranking[0],
        gap_to_leader=gap_to_leader(us.share, [c.share for c in ranking if not c.is_us]),
    )


async def coverage(session: AsyncSession, region: Region) -> Coverage:
    period, ids = await latest_surveys(session, region)
    totals = dict(
        zip(
            _NAMES,
            (await session.execute(select(*_aggregates()).where(col(S.id).in_(ids)))).one(),
            strict=True,
        )
    )
    return Coverage(
        region_id=region.id,
        period=period,
        surveys=len(ids),
        outlets_total=int(totals["outlets_total"] or 0),
        outlets_covered=int(totals["outlets_covered"] or 0),
        coverage=_value(totals, SurveyMetric.coverage),
    )
