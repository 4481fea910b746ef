"""HTTP routes of `/v1/coaching-sessions` and their follow-up actions."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.coaching import service
from services.advisors.coaching.schemas import (
    ActionCreate,
    ActionPage,
    ActionPublic,
    ActionTransition,
    ActionUpdate,
    CoachingCreate,
    CoachingPage,
    CoachingPublic,
    CoachingUpdate,
)
from services.advisors.deps import IfMatch, Reader, Writer, make_router
from services.advisors.models import ActionStatus, CoachingRole

router = make_router("/v1/coaching-sessions", "coaching-sessions")


@router.get(
    "",
    response_model=CoachingPage,
    summary="List coaching sessions",
    operation_id="coaching_sessions_list",
)
async def list_coaching(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    coach_id: UUID | None = None,
    advisor_id: UUID | None = None,
    role: CoachingRole | None = None,
) -> CoachingPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        coach_id=coach_id,
        advisor_id=advisor_id,
        role=role,
    )
    return CoachingPage(
        items=[CoachingPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "",
    response_model=CoachingPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record a coaching session",
    operation_id="coaching_sessions_create",
)
async def create_coaching(
    body: CoachingCreate, session: SessionDep, caller: Writer, response: Response
) -> CoachingPublic:
    coaching = await service.create(session, body, caller=caller)
    set_etag(response, coaching.version)
    response.headers["Location"] = f"/v1/coaching-sessions/{coaching.id}"
    return CoachingPublic.model_validate(coaching)


@router.get(
    "/{coaching_id}",
    response_model=CoachingPublic,
    summary="Get a coaching session",
    operation_id="coaching_sessions_get",
    responses=problem_responses(404),
)
async def get_coaching(
    coaching_id: UUID, session: SessionDep, _: Reader, response: Response
) -> CoachingPublic:
    coaching = await service.get(session, coaching_id)
    set_etag(response, coaching.version)
    return CoachingPublic.model_validate(coaching)


@router.patch(
    "/{coaching_id}",
    response_model=CoachingPublic,
    summary="Update a coaching session",
    operation_id="coaching_sessions_update",
    responses=problem_responses(404, 412, 428),
)
async def update_coaching(
    coaching_id: UUID,
    body: CoachingUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> CoachingPublic:
    coaching = await service.get(session, coaching_id)
    check_if_match(if_match, coaching.version)
    coaching = await service.update(session, coaching, body, caller=caller)
    set_etag(response, coaching.version)
    return CoachingPublic.model_validate(coaching)


@router.get(
    "/{coaching_id}/actions",
    response_model=ActionPage,
    summary="List a session's follow-up actions",
    operation_id="coaching_sessions_actions_list",
    responses=problem_responses(404),
)
async def list_actions(
    coaching_id: UUID,
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    status: ActionStatus | None = None,
) -> ActionPage:
    await service.get(session, coaching_id)
    rows, next_cursor = await service.list_actions(
        session, limit=limit, cursor=cursor, session_id=coaching_id, status=status
    )
    return ActionPage(items=[ActionPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "/{coaching_id}/actions",
    response_model=ActionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Add a follow-up action",
    operation_id="coaching_sessions_actions_create",
    responses=problem_responses(404),
)
async def add_action(
    coaching_id: UUID, body: ActionCreate, session: SessionDep, caller: Writer, response: Response
) -> ActionPublic:
    coaching = await service.get(session, coaching_id)
    action = await service.add_action(session, coaching, body, caller=caller)
    set_etag(response, action.version)
    return ActionPublic.model_validate(action)


@router.patch(
    "/{coaching_id}/actions/{action_id}",
    response_model=ActionPublic,
    summary="Change an open follow-up action's description or due date",
    description=(
        "Its status moves by `POST /v1/coaching-sessions/{id}/actions/{action_id}/transitions` "
        "(`status` here is a 422)."
    ),
    operation_id="coaching_sessions_actions_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_action(
    coaching_id: UUID,
    action_id: UUID,
    body: ActionUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ActionPublic:
    action = await service.get_action(session, coaching_id, action_id)
    check_if_match(if_match, action.version)
    action = await service.update_action(session, action, body, caller=caller)
    set_etag(response, action.version)
    return ActionPublic.model_validate(action)


@router.post(
    "/{coaching_id}/actions/{action_id}/transitions",
    response_model=ActionPublic,
    summary="Mark a follow-up action done or dropped",
    description="open → done or dropped; a done or dropped action moves no further. "
    "`If-Match` is optional.",
    operation_id="coaching_sessions_actions_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def move_action(
    coaching_id: UUID,
    action_id: UUID,
    body: ActionTransition,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ActionPublic:
    action = await service.move_action(
        session, coaching_id, action_id, body, caller=caller, if_match=if_match
    )
    set_etag(response, action.version)
    return ActionPublic.model_validate(action)
