"""HTTP routes of `/v1/targets`: targets, actuals, the cascade check and achievement."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.queries import get_or_404
from services.regions.deps import IfMatch, Reader, Writer, make_router
from services.regions.fields import ROLLUP_HELP, MonthQuery, RollupPeriod, RollupQuery
from services.regions.models import Region, Target, TargetMetric
from services.regions.owners import OWNER_UNAVAILABLE, Owners
from services.regions.targets import service
from services.regions.targets.schemas import (
    AchievementReport,
    ActualList,
    ActualPage,
    ActualPublic,
    ActualsPost,
    CascadePage,
    TargetCreate,
    TargetPage,
    TargetPublic,
    TargetUpdate,
)

router = make_router("/v1/targets", "targets")


@router.get("", response_model=TargetPage, summary="List targets", operation_id="targets_list")
async def list_targets(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    region_id: UUID | None = None,
    period: MonthQuery = None,
    metric: TargetMetric | None = None,
    owner_id: UUID | None = None,
) -> TargetPage:
    filters = {"region_id": region_id, "period": period, "metric": metric, "owner_id": owner_id}
    rows, next_cursor = await service.list_page(
        session, limit=limit, cursor=cursor, filters=filters
    )
    return TargetPage(items=[TargetPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=TargetPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Set a target for a region, period and metric",
    operation_id="targets_create",
    responses=problem_responses(409) | OWNER_UNAVAILABLE,
)
async def create_target(
    body: TargetCreate, session: SessionDep, caller: Writer, owners: Owners, response: Response
) -> TargetPublic:
    """`owner_id` names an advisor the advisors service knows (422 on `#/owner_id` otherwise;
    503 when the advisors service can't be asked about an advisor this service hasn't seen)."""
    target = await service.create(session, body, caller=caller, owners=owners)
    set_etag(response, target.version)
    response.headers["Location"] = f"/v1/targets/{target.id}"
    return TargetPublic.model_validate(target)


@router.post(
    "/actuals",
    response_model=ActualList,
    summary="Record actuals (all items or none); a repeated key replaces the value",
    operation_id="targets_actuals_record",
)
async def record_actuals(body: ActualsPost, session: SessionDep, caller: Writer) -> ActualList:
    rows = await service.record_actuals(session, body.items, source=body.source, caller=caller)
    return ActualList(items=[ActualPublic.model_validate(r) for r in rows])


@router.get(
    "/actuals",
    response_model=ActualPage,
    summary="List actuals",
    operation_id="targets_actuals_list",
)
async def list_actuals(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    region_id: UUID | None = None,
    period: MonthQuery = None,
    metric: TargetMetric | None = None,
) -> ActualPage:
    filters = {"region_id": region_id, "period": period, "metric": metric}
    rows, next_cursor = await service.list_actuals(
        session, limit=limit, cursor=cursor, filters=filters
    )
    return ActualPage(items=[ActualPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/cascade-check",
    response_model=CascadePage,
    summary="Parents whose children's targets don't add up to their own",
    operation_id="targets_cascade_check",
)
async def cascade_check(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    period: Annotated[RollupPeriod | None, Query(description=ROLLUP_HELP)] = None,
    metric: TargetMetric | None = None,
    ancestor: UUID | None = None,
) -> CascadePage:
    gaps, next_cursor = await service.cascade_gaps(
        session, limit=limit, cursor=cursor, period=period, metric=metric, ancestor=ancestor
    )
    return CascadePage(items=gaps, next_cursor=next_cursor)


@router.get(
    "/achievement",
    response_model=AchievementReport,
    summary="Achievement (actual ÷ target) of a region and its children over a period",
    operation_id="targets_achievement",
    responses=problem_responses(404),
)
async def achievement(
    session: SessionDep,
    _: Reader,
    region_id: UUID,
    metric: TargetMetric,
    period: RollupQuery,
    by: Literal["month", "quarter"] | None = None,
) -> AchievementReport:
    """Flows (sales, new outlets) add up over months and down the tree; outlet coverage is read at
    each region's latest month and adds up down the tree; a market share is the region's own."""
    region = await get_or_404(session, Region, region_id, "Region")
    return await service.achievement(session, region, metric, period, by)


@router.get(
    "/{target_id}",
    response_model=TargetPublic,
    summary="Get a target",
    operation_id="targets_get",
    responses=problem_responses(404),
)
async def get_target(
    target_id: UUID, session: SessionDep, _: Reader, response: Response
) -> TargetPublic:
    target = await get_or_404(session, Target, target_id, "Target")
    set_etag(response, target.version)
    return TargetPublic.model_validate(target)


@router.patch(
    "/{target_id}",
    response_model=TargetPublic,
    summary="Change a target's value or owner",
    operation_id="targets_update",
    responses=problem_responses(404, 412, 428) | OWNER_UNAVAILABLE,
)
async def update_target(
    target_id: UUID,
    body: TargetUpdate,
    session: SessionDep,
    caller: Writer,
    owners: Owners,
    response: Response,
    if_match: IfMatch = None,
) -> TargetPublic:
    target = await get_or_404(session, Target, target_id, "Target")
    check_if_match(if_match, target.version)
    target = await service.update(session, target, body, caller=caller, owners=owners)
    set_etag(response, target.version)
    return TargetPublic.model_validate(target)


@router.delete(
    "/{target_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a target",
    operation_id="targets_delete",
    responses=problem_responses(404, 412, 428),
)
async def delete_target(
    target_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    target = await get_or_404(session, Target, target_id, "Target")
    check_if_match(if_match, target.version)
    await service.delete(session, target, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
