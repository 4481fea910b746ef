"""HTTP routes of `/v1/training-sessions`."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import set_etag
from chassis.pagination import Cursor, Limit
from chassis.types import Date
from services.advisors.deps import Reader, Writer, make_router
from services.advisors.training_sessions import service
from services.advisors.training_sessions.schemas import SessionCreate, SessionPage, SessionPublic

router = make_router("/v1/training-sessions", "training-sessions")


@router.get(
    "",
    response_model=SessionPage,
    summary="List training sessions",
    operation_id="training_sessions_list",
)
async def list_sessions(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    course_id: UUID | None = None,
    held_from: Date | None = None,
    held_to: Date | None = None,
) -> SessionPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        held_from=held_from,
        held_to=held_to,
        course_id=course_id,
    )
    return SessionPage(
        items=[SessionPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "",
    response_model=SessionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a session of a course",
    operation_id="training_sessions_create",
)
async def create_session(
    body: SessionCreate, session: SessionDep, caller: Writer, response: Response
) -> SessionPublic:
    held = await service.create(session, body, caller=caller)
    set_etag(response, held.version)
    response.headers["Location"] = f"/v1/training-sessions/{held.id}"
    return SessionPublic.model_validate(held)


@router.get(
    "/{session_id}",
    response_model=SessionPublic,
    summary="Get a training session",
    operation_id="training_sessions_get",
    responses=problem_responses(404),
)
async def get_session(
    session_id: UUID, session: SessionDep, _: Reader, response: Response
) -> SessionPublic:
    held = await service.get(session, session_id)
    set_etag(response, held.version)
    return SessionPublic.model_validate(held)
