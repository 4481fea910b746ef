"""HTTP routes of `/v1/training-enrolments` and their results."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.deps import IfMatch, Reader, Writer, make_router
from services.advisors.models import EnrolmentStatus
from services.advisors.training_enrolments import service
from services.advisors.training_enrolments.schemas import (
    EnrolmentCreate,
    EnrolmentPage,
    EnrolmentPublic,
    EnrolmentTransition,
)

router = make_router("/v1/training-enrolments", "training-enrolments")


@router.get(
    "",
    response_model=EnrolmentPage,
    summary="List enrolments",
    operation_id="training_enrolments_list",
)
async def list_enrolments(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    session_id: UUID | None = None,
    advisor_id: UUID | None = None,
    status: EnrolmentStatus | None = None,
) -> EnrolmentPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        session_id=session_id,
        advisor_id=advisor_id,
        status=status,
    )
    return EnrolmentPage(
        items=[EnrolmentPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "",
    response_model=EnrolmentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Enrol an advisor in a session",
    operation_id="training_enrolments_create",
    responses=problem_responses(409),
)
async def enrol(
    body: EnrolmentCreate, session: SessionDep, caller: Writer, response: Response
) -> EnrolmentPublic:
    enrolment = await service.enrol(session, body, caller=caller)
    set_etag(response, enrolment.version)
    response.headers["Location"] = f"/v1/training-enrolments/{enrolment.id}"
    return EnrolmentPublic.model_validate(enrolment)


@router.get(
    "/{enrolment_id}",
    response_model=EnrolmentPublic,
    summary="Get an enrolment",
    operation_id="training_enrolments_get",
    responses=problem_responses(404),
)
async def get_enrolment(
    enrolment_id: UUID, session: SessionDep, _: Reader, response: Response
) -> EnrolmentPublic:
    enrolment = await service.get(session, enrolment_id)
    set_etag(response, enrolment.version)
    return EnrolmentPublic.model_validate(enrolment)


@router.post(
    "/{enrolment_id}/transitions",
    response_model=EnrolmentPublic,
    summary="Record the result: completed with a score (a pass may certify) or absent",
    description=(
        "enrolled → completed or absent, once, after the session is held. `If-Match` is optional."
    ),
    operation_id="training_enrolments_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def record_result(
    enrolment_id: UUID,
    body: EnrolmentTransition,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> EnrolmentPublic:
    enrolment = await service.transition(
        session, enrolment_id, body.root, caller=caller, if_match=if_match
    )
    set_etag(response, enrolment.version)
    return EnrolmentPublic.model_validate(enrolment)
