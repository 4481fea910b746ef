"""Enrolment rules: one per advisor and session; its result (completed with a score, or absent)
is recorded once, after the session is held, and a pass of a certifying course certifies."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, FieldError
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, must_exist, page
from chassis.types import DATE_AHEAD
from services.advisors.certifications.service import issue
from services.advisors.events import emit_record
from services.advisors.models import (
    Advisor,
    Enrolment,
    EnrolmentStatus,
    TrainingCourse,
    TrainingSession,
)
from services.advisors.training_enrolments.schemas import (
    EnrolmentAbsence,
    EnrolmentCompletion,
    EnrolmentCreate,
    EnrolmentPublic,
)
from services.advisors.transitions import check_move, check_version

MOVES = {
    EnrolmentStatus.enrolled: {EnrolmentStatus.completed, EnrolmentStatus.absent},
    EnrolmentStatus.completed: set(),
    EnrolmentStatus.absent: set(),
}


async def get(session: AsyncSession, enrolment_id: UUID, *, lock: bool = False) -> Enrolment:
    # a result is recorded once: racing results take turns on the row and the later one sees it
    return await get_or_404(session, Enrolment, enrolment_id, "Enrolment", for_update=lock)


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[Enrolment], str | None]:
    return await page(session, Enrolment, filters, limit=limit, cursor=cursor)


async def enrol(session: AsyncSession, data: EnrolmentCreate, *, caller: Principal) -> Enrolment:
    await must_exist(session, TrainingSession, data.session_id, "#/session_id")
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    taken = exists().where(
        col(Enrolment.session_id) == data.session_id, col(Enrolment.advisor_id) == data.advisor_id
    )
    if await session.scalar(select(taken)):
        raise Conflict("The advisor is already enrolled in this session.", field="advisor_id")
    enrolment = Enrolment(**data.model_dump())
    session.add(enrolment)
    await session.flush()
    await _emit(session, "training_enrolment.created", enrolment, caller)
    return enrolment


async def transition(
    session: AsyncSession,
    enrolment_id: UUID,
    data: EnrolmentCompletion | EnrolmentAbsence,
    *,
    caller: Principal,
    if_match: str | None = None,
) -> Enrolment:
    enrolment = await get(session, enrolment_id, lock=True)
    check_version(if_match, enrolment.version)
    check_move(f"Enrolment {enrolment.id}", enrolment.status, data.to, MOVES)
    held = await get_or_404(session, TrainingSession, enrolment.session_id, "Training session")
    if held.held_on > datetime.now(UTC).date() + DATE_AHEAD:
        raise Conflict(
            f"Training session {held.id} is on {held.held_on}: its results come after it.",
            field="to",
            errors=[FieldError("#/to", f"the session is on {held.held_on}")],
        )
    course = await get_or_404(session, TrainingCourse, held.course_id, "Course")
    score = Decimal(str(data.score)) if isinstance(data, EnrolmentCompletion) else None
    passed = score is not None and score >= course.pass_score
    apply_changes(enrolment, {"status": data.to, "score": score, "passed": passed})
    await session.flush()
    await _emit(session, f"training_enrolment.{data.to}", enrolment, caller, reason=data.reason)
    if passed:
        await issue(session, enrolment, course, held.held_on, caller)
    return enrolment


async def _emit(
    session: AsyncSession, type_: str, enrolment: Enrolment, caller: Principal, **extra: Any
) -> None:
    await emit_record(session, type_, EnrolmentPublic.model_validate(enrolment), caller, **extra)
