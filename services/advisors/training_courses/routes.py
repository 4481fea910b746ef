"""HTTP routes of `/v1/training-courses`."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.deps import IfMatch, Reader, Writer, make_router
from services.advisors.training_courses import service
from services.advisors.training_courses.schemas import (
    CourseCreate,
    CoursePage,
    CoursePublic,
    CourseUpdate,
)

router = make_router("/v1/training-courses", "training-courses")


@router.get(
    "", response_model=CoursePage, summary="List courses", operation_id="training_courses_list"
)
async def list_courses(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
    required: bool | None = None,
) -> CoursePage:
    rows, next_cursor = await service.list_page(
        session, limit=limit, cursor=cursor, code=code, required=required
    )
    return CoursePage(items=[CoursePublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=CoursePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a course",
    operation_id="training_courses_create",
    responses=problem_responses(409),
)
async def create_course(
    body: CourseCreate, session: SessionDep, caller: Writer, response: Response
) -> CoursePublic:
    course = await service.create(session, body, caller=caller)
    set_etag(response, course.version)
    response.headers["Location"] = f"/v1/training-courses/{course.id}"
    return CoursePublic.model_validate(course)


@router.get(
    "/{course_id}",
    response_model=CoursePublic,
    summary="Get a course",
    operation_id="training_courses_get",
    responses=problem_responses(404),
)
async def get_course(
    course_id: UUID, session: SessionDep, _: Reader, response: Response
) -> CoursePublic:
    course = await service.get(session, course_id)
    set_etag(response, course.version)
    return CoursePublic.model_validate(course)


@router.patch(
    "/{course_id}",
    response_model=CoursePublic,
    summary="Update a course",
    operation_id="training_courses_update",
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
    course = await service.get(session, course_id)
    check_if_match(if_match, course.version)
    course = await service.update(session, course, body, caller=caller)
    set_etag(response, course.version)
    return CoursePublic.model_validate(course)
