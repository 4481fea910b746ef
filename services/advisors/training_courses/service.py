"""Training courses: one per code, with the pass score and how long a pass certifies."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, no_nulls, page
from services.advisors.events import emit_record
from services.advisors.models import TrainingCourse
from services.advisors.training_courses.schemas import CourseCreate, CoursePublic, CourseUpdate


async def get(session: AsyncSession, course_id: UUID) -> TrainingCourse:
    return await get_or_404(session, TrainingCourse, course_id, "Course")


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[TrainingCourse], str | None]:
    return await page(session, TrainingCourse, filters, limit=limit, cursor=cursor)


async def create(session: AsyncSession, data: CourseCreate, *, caller: Principal) -> TrainingCourse:
    if await session.scalar(select(exists().where(col(TrainingCourse.code) == data.code))):
        raise Conflict(f"A course with code {data.code} already exists.", field="code")
    course = TrainingCourse(**data.model_dump())
    course.pass_score = Decimal(str(data.pass_score))
    session.add(course)
    await session.flush()
    await _emit(session, "training_course.created", course, caller)
    return course


async def update(
    session: AsyncSession, course: TrainingCourse, data: CourseUpdate, *, caller: Principal
) -> TrainingCourse:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("title", "required", "pass_score"))
    if changes.get("pass_score") is not None:
        changes["pass_score"] = Decimal(str(changes["pass_score"]))
    apply_changes(course, changes)
    await session.flush()
    await _emit(session, "training_course.updated", course, caller)
    return course


async def _emit(
    session: AsyncSession, type_: str, course: TrainingCourse, caller: Principal
) -> None:
    await emit_record(session, type_, CoursePublic.model_validate(course), caller)
