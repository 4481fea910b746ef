"""HTTP routes of `/v1/action-plans`: write a plan, submit it, the manager's approval or return."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.action_plans import service
from services.advisors.action_plans.schemas import (
    ActionPlanCreate,
    ActionPlanPage,
    ActionPlanPublic,
    ActionPlanTransition,
    ActionPlanUpdate,
)
from services.advisors.deps import OWNER_DOWN, IfMatch, Reader, Refs, Writer, make_router
from services.advisors.models import PlanKind, PlanStatus

router = make_router("/v1/action-plans", "action-plans")
WRITE = problem_responses(404, 409, 412, 428)


@router.get(
    "", response_model=ActionPlanPage, summary="List action plans", operation_id="action_plans_list"
)
async def list_action_plans(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    kind: PlanKind | None = None,
    status: PlanStatus | None = None,
    reviewer_id: UUID | None = None,
) -> ActionPlanPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        advisor_id=advisor_id,
        kind=kind,
        status=status,
        reviewer_id=reviewer_id,
    )
    return ActionPlanPage(
        items=[ActionPlanPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "",
    response_model=ActionPlanPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Draft an action plan for a week or a month",
    description=(
        "Each planned visit's account must be a dealer or an outlet the dealers service knows "
        "(422 on `#/planned_visits/{i}/account_id` otherwise)."
    ),
    operation_id="action_plans_create",
    responses=problem_responses(409) | OWNER_DOWN,
)
async def create_action_plan(
    body: ActionPlanCreate, session: SessionDep, caller: Writer, refs: Refs, response: Response
) -> ActionPlanPublic:
    plan = await service.create(session, body, caller=caller, refs=refs)
    set_etag(response, plan.version)
    response.headers["Location"] = f"/v1/action-plans/{plan.id}"
    return ActionPlanPublic.model_validate(plan)


@router.get(
    "/{plan_id}",
    response_model=ActionPlanPublic,
    summary="Get an action plan",
    operation_id="action_plans_get",
    responses=problem_responses(404),
)
async def get_action_plan(
    plan_id: UUID, session: SessionDep, _: Reader, response: Response
) -> ActionPlanPublic:
    plan = await service.get(session, plan_id)
    set_etag(response, plan.version)
    return ActionPlanPublic.model_validate(plan)


@router.patch(
    "/{plan_id}",
    response_model=ActionPlanPublic,
    summary="Change a draft or returned plan",
    operation_id="action_plans_update",
    responses=WRITE | OWNER_DOWN,
)
async def update_action_plan(
    plan_id: UUID,
    body: ActionPlanUpdate,
    session: SessionDep,
    caller: Writer,
    refs: Refs,
    response: Response,
    if_match: IfMatch = None,
) -> ActionPlanPublic:
    plan = await service.get(session, plan_id)
    check_if_match(if_match, plan.version)
    plan = await service.update(session, plan, body, caller=caller, refs=refs)
    set_etag(response, plan.version)
    return ActionPlanPublic.model_validate(plan)


@router.delete(
    "/{plan_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a draft or returned plan",
    operation_id="action_plans_delete",
    responses=WRITE,
)
async def delete_action_plan(
    plan_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    plan = await service.get(session, plan_id)
    check_if_match(if_match, plan.version)
    await service.delete(session, plan, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{plan_id}/transitions",
    response_model=ActionPlanPublic,
    summary="Move a plan: submit it, or (the manager) approve or return it",
    description=(
        "draft or returned → submitted → approved (its visits go on the agenda) or returned "
        "(with the reason). `If-Match` is optional."
    ),
    operation_id="action_plans_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def move_action_plan(
    plan_id: UUID,
    body: ActionPlanTransition,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ActionPlanPublic:
    plan = await service.transition(session, plan_id, body.root, caller=caller, if_match=if_match)
    set_etag(response, plan.version)
    return ActionPlanPublic.model_validate(plan)
