"""HTTP routes of the analytics on a region: `/v1/regions/{id}/trend`, `/competitive-landscape`
and `/coverage`."""

from typing import Annotated
from uuid import UUID

from fastapi import Query

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.queries import get_or_404
from chassis.types import Period
from services.regions.analytics import service
from services.regions.analytics.schemas import Coverage, Landscape, SurveyMetric, Trend
from services.regions.deps import Reader, make_router
from services.regions.fields import MonthQuery
from services.regions.models import Region

router = make_router("/v1/regions", "regions")


@router.get(
    "/{region_id}/trend",
    response_model=Trend,
    summary="A survey metric of the region month by month",
    operation_id="regions_trend",
    responses=problem_responses(404),
)
async def trend(
    region_id: UUID,
    session: SessionDep,
    _: Reader,
    metric: SurveyMetric,
    from_: Annotated[Period | None, Query(alias="from", description="The first month")] = None,
    to: MonthQuery = None,
) -> Trend:
    region = await get_or_404(session, Region, region_id, "Region")
    return await service.trend(session, region, metric, from_, to)


@router.get(
    "/{region_id}/competitive-landscape",
    response_model=Landscape,
    summary="Ranking, our rank and share, the leader and the gap to No. 1 (latest survey)",
    operation_id="regions_competitive_landscape",
    responses=problem_responses(404),
)
async def competitive_landscape(region_id: UUID, session: SessionDep, _: Reader) -> Landscape:
    region = await get_or_404(session, Region, region_id, "Region")
    return await service.landscape(session, region)


@router.get(
    "/{region_id}/coverage",
    response_model=Coverage,
    summary="Outlets covered ÷ outlets in the region (latest survey)",
    operation_id="regions_coverage",
    responses=problem_responses(404),
)
async def coverage(region_id: UUID, session: SessionDep, _: Reader) -> Coverage:
    region = await get_or_404(session, Region, region_id, "Region")
    return await service.coverage(session, region)
