"""HTTP routes of `/v1/market-plans`."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.queries import get_or_404
from services.regions.deps import IfMatch, Reader, Writer, make_router
from services.regions.fields import MonthQuery
from services.regions.models import MarketPlan, PlanStatus
from services.regions.plans import service
from services.regions.plans.schemas import (
    PlanCreate,
    PlanPage,
    PlanPublic,
    PlanTransitionCreate,
    PlanUpdate,
)

router = make_router("/v1/market-plans", "market-plans")


@router.get(
    "", response_model=PlanPage, summary="List market plans", operation_id="market_plans_list"
)
async def list_plans(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    region_id: UUID | None = None,
    period: MonthQuery = None,
    status: PlanStatus | None = None,
) -> PlanPage:
    filters = {"region_id": region_id, "period": period, "status": status}
    rows, next_cursor = await service.list_page(
        session, limit=limit, cursor=cursor, filters=filters
    )
    return PlanPage(items=[PlanPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=PlanPublic,
    status_code=201,
    summary="Draft a market plan for a region and month",
    operation_id="market_plans_create",
    responses=problem_responses(409),
)
async def create_plan(
    body: PlanCreate, session: SessionDep, caller: Writer, response: Response
) -> PlanPublic:
    plan = await service.create(session, body, caller=caller)
    set_etag(response, plan.version)
    response.headers["Location"] = f"/v1/market-plans/{plan.id}"
    return PlanPublic.model_validate(plan)


@router.get(
    "/{plan_id}",
    response_model=PlanPublic,
    summary="Get a market plan",
    operation_id="market_plans_get",
    responses=problem_responses(404),
)
async def get_plan(plan_id: UUID, session: SessionDep, _: Reader, response: Response) -> PlanPublic:
    plan = await get_or_404(session, MarketPlan, plan_id, "Market plan")
    set_etag(response, plan.version)
    return PlanPublic.model_validate(plan)


@router.patch(
    "/{plan_id}",
    response_model=PlanPublic,
    summary="Edit a draft plan's objectives or strategy",
    operation_id="market_plans_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_plan(
    plan_id: UUID,
    body: PlanUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> PlanPublic:
    plan = await get_or_404(session, MarketPlan, plan_id, "Market plan")
    check_if_match(if_match, plan.version)
    plan = await service.update(session, plan, body, caller=caller)
    set_etag(response, plan.version)
    return PlanPublic.model_validate(plan)


@router.delete(
    "/{plan_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a draft plan",
    operation_id="market_plans_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_plan(
    plan_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    plan = await get_or_404(session, MarketPlan, plan_id, "Market plan")
    check_if_match(if_match, plan.version)
    await service.delete(session, plan, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{plan_id}/transitions",
    response_model=PlanPublic,
    summary="Move a plan's status one step: approve a draft, close an approved plan",
    operation_id="market_plans_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def move_plan(
    plan_id: UUID,
    body: PlanTransitionCreate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> PlanPublic:
    """Answers the plan in its new status. `If-Match` is optional here; when given it must name
    the plan's current version. The status it already has, or any other move than the next step,
    is a 409 naming `#/to`."""
    plan = await get_or_404(session, MarketPlan, plan_id, "Market plan")
    if if_match:
        check_if_match(if_match, plan.version)
    plan = await service.transition(session, plan, body, caller=caller)
    set_etag(response, plan.version)
    return PlanPublic.model_validate(plan)
