"""HTTP routes of `/v1/trainings`: courses and, under them, sessions, enrolments, results,
certifications and who is due."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from chassis.app import resource_router
from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.common import IfMatch, Reader, Writer, fetch
from services.advisors.models import Enrolment, EnrolmentStatus, TrainingCourse, TrainingSession
from services.advisors.trainings import service
from services.advisors.trainings.schemas import (
    CertificationPage,
    CertificationPublic,
    CourseCreate,
    CoursePage,
    CoursePublic,
    CourseUpdate,
    DueList,
    EnrolmentCreate,
    EnrolmentPage,
    EnrolmentPublic,
    SessionCreate,
    SessionPage,
    SessionPublic,
    TrainingResult,
)

router = resource_router("/v1/trainings", "trainings")


@router.get("", response_model=CoursePage, summary="List courses", operation_id="trainings_list")
async def list_courses(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
    required: bool | None = None,
) -> CoursePage:
    rows, next_cursor = await service.list_of(
        session, TrainingCourse, limit=limit, cursor=cursor, code=code, required=required
    )
    return CoursePage(items=[CoursePublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=CoursePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a course",
    operation_id="trainings_create",
    responses=problem_responses(409),
)
async def create_course(
    body: CourseCreate, session: SessionDep, caller: Writer, response: Response
) -> CoursePublic:
    course = await service.create_course(session, body, actor=caller.subject)
    set_etag(response, course.version)
    response.headers["Location"] = f"/v1/trainings/{course.id}"
    return CoursePublic.model_validate(course)


@router.get(
    "/enrolments",
    response_model=EnrolmentPage,
    summary="List enrolments",
    operation_id="trainings_enrolments_list",
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
    rows, next_cursor = await service.list_of(
        session,
        Enrolment,
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
    "/enrolments",
    response_model=EnrolmentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Enrol an advisor in a session",
    operation_id="trainings_enrolments_create",
    responses=problem_responses(409),
)
async def enrol(
    body: EnrolmentCreate, session: SessionDep, caller: Writer, response: Response
) -> EnrolmentPublic:
    enrolment = await service.enrol(session, body, actor=caller.subject)
    set_etag(response, enrolment.version)
    return EnrolmentPublic.model_validate(enrolment)


@router.post(
    "/enrolments/{enrolment_id}/result",
    response_model=EnrolmentPublic,
    summary="Record attendance and score; a pass may certify",
    operation_id="trainings_enrolments_result",
    responses=problem_responses(404, 409),
)
async def record_result(
    enrolment_id: UUID,
    body: TrainingResult,
    session: SessionDep,
    caller: Writer,
    response: Response,
) -> EnrolmentPublic:
    enrolment = await service.get_enrolment(session, enrolment_id)
    enrolment = await service.record_result(session, enrolment, body, actor=caller.subject)
    set_etag(response, enrolment.version)
    return EnrolmentPublic.model_validate(enrolment)


@router.get(
    "/certifications",
    response_model=CertificationPage,
    summary="List certifications",
    operation_id="trainings_certifications_list",
)
async def list_certifications(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    course_id: UUID | None = None,
    valid_on: date | None = None,
) -> CertificationPage:
    rows, next_cursor = await service.certifications(
        session,
        limit=limit,
        cursor=cursor,
        valid_on=valid_on,
        advisor_id=advisor_id,
        course_id=course_id,
    )
    return CertificationPage(
        items=[CertificationPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/due",
    response_model=DueList,
    summary="Active advisors due for a required course",
    operation_id="trainings_due",
)
async def due(
    session: SessionDep,
    _: Reader,
    on: date,
    within_days: Annotated[int, Query(ge=0, le=3650)] = 30,
) -> DueList:
    return await service.due(session, on=on, within_days=within_days)


@router.get(
    "/{course_id}",
    response_model=CoursePublic,
    summary="Get a course",
    operation_id="trainings_get",
    responses=problem_responses(404),
)
async def get_course(
    course_id: UUID, session: SessionDep, _: Reader, response: Response
) -> CoursePublic:
    course = await service.get_course(session, course_id)
    set_etag(response, course.version)
    return CoursePublic.model_validate(course)


@router.patch(
    "/{course_id}",
    response_model=CoursePublic,
    summary="Update a course",
    operation_id="trainings_update",
    responses=problem_responses(404, 412, 428),
)
async def update_course(
    course_id: UUID,
    body: CourseUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> CoursePublic:
    course = await service.get_course(session, course_id)
    check_if_match(if_match, course.version)
    course = await service.update_course(session, course, body, actor=caller.subject)
    set_etag(response, course.version)
    return CoursePublic.model_validate(course)


@router.get(
    "/{course_id}/sessions",
    response_model=SessionPage,
    summary="List a course's sessions",
    operation_id="trainings_sessions_list",
    responses=problem_responses(404),
)
async def list_sessions(
    course_id: UUID, session: SessionDep, _: Reader, limit: Limit = 50, cursor: Cursor = None
) -> SessionPage:
    await service.get_course(session, course_id)
    rows, next_cursor = await service.list_of(
        session, TrainingSession, limit=limit, cursor=cursor, course_id=course_id
    )
    return SessionPage(
        items=[SessionPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "/{course_id}/sessions",
    response_model=SessionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a session of a course",
    operation_id="trainings_sessions_create",
    responses=problem_responses(404),
)
async def create_session(
    course_id: UUID, body: SessionCreate, session: SessionDep, caller: Writer, response: Response
) -> SessionPublic:
    course = await fetch(session, TrainingCourse, course_id, "Course")
    held = await service.create_session(session, course, body, actor=caller.subject)
    set_etag(response, held.version)
    return SessionPublic.model_validate(held)
