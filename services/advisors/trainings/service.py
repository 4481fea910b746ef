"""Training rules: one enrolment per advisor and session, one result per enrolment, a pass of a
certifying course issues a certification; who is due is computed in SQL."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, NotFound, field_error
from services.advisors.common import apply, emit_record, fetch, must_exist, no_nulls, page
from services.advisors.models import (
    Advisor,
    AdvisorStatus,
    Certification,
    Enrolment,
    EnrolmentStatus,
    TrainingCourse,
    TrainingSession,
)
from services.advisors.trainings.schemas import (
    CertificationPublic,
    CourseCreate,
    CoursePublic,
    CourseUpdate,
    DueEntry,
    DueList,
    EnrolmentCreate,
    EnrolmentPublic,
    SessionCreate,
    SessionPublic,
    TrainingResult,
)

FOREVER = date(9999, 12, 31)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


async def get_course(session: AsyncSession, course_id: UUID) -> TrainingCourse:
    return await fetch(session, TrainingCourse, course_id, "Course")


async def get_enrolment(session: AsyncSession, enrolment_id: UUID) -> Enrolment:
    # a result is recorded once: racing results take turns on the row and the later one sees it
    enrolment = await session.get(
        Enrolment, enrolment_id, with_for_update=True, populate_existing=True
    )
    if enrolment is None:
        raise NotFound(f"Enrolment {enrolment_id} does not exist.")
    return enrolment


async def list_of(
    session: AsyncSession, model: type[Any], *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[Any], str | None]:
    return await page(session, model, filters, limit=limit, cursor=cursor)


async def create_course(session: AsyncSession, data: CourseCreate, *, actor: str) -> TrainingCourse:
    if await session.scalar(select(exists().where(col(TrainingCourse.code) == data.code))):
        raise Conflict(f"A course with code {data.code} already exists.", field="code")
    course = TrainingCourse(**data.model_dump())
    course.pass_score = Decimal(str(data.pass_score))
    session.add(course)
    await session.flush()
    await emit_record(
        session, "training_course.created", CoursePublic.model_validate(course), actor
    )
    return course


async def update_course(
    session: AsyncSession, course: TrainingCourse, data: CourseUpdate, *, actor: str
) -> TrainingCourse:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("title", "required", "pass_score"))
    if changes.get("pass_score") is not None:
        changes["pass_score"] = Decimal(str(changes["pass_score"]))
    apply(course, changes)
    await session.flush()
    await emit_record(
        session, "training_course.updated", CoursePublic.model_validate(course), actor
    )
    return course


async def create_session(
    session: AsyncSession, course: TrainingCourse, data: SessionCreate, *, actor: str
) -> TrainingSession:
    held = TrainingSession(course_id=course.id, **data.model_dump())
    session.add(held)
    await session.flush()
    await emit_record(
        session, "training_session.created", SessionPublic.model_validate(held), actor
    )
    return held


async def enrol(session: AsyncSession, data: EnrolmentCreate, *, actor: str) -> Enrolment:
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
    await _emit_enrolment(session, "training_enrolment.created", enrolment, actor)
    return enrolment


async def record_result(
    session: AsyncSession, enrolment: Enrolment, data: TrainingResult, *, actor: str
) -> Enrolment:
    if enrolment.status != EnrolmentStatus.enrolled:
        raise Conflict(f"Enrolment {enrolment.id} already has its result.", field="status")
    if data.attended and data.score is None:
        raise field_error("#/score", "an attended session needs its score")
    if not data.attended and data.score is not None:
        raise field_error("#/score", "an absent advisor has no score")
    held = await fetch(session, TrainingSession, enrolment.session_id, "Session")
    course = await get_course(session, held.course_id)
    score = None if data.score is None else Decimal(str(data.score))
    passed = score is not None and score >= course.pass_score
    status = EnrolmentStatus.completed if data.attended else EnrolmentStatus.absent
    apply(enrolment, {"status": status, "score": score, "passed": passed})
    await session.flush()
    await _emit_enrolment(session, "training_enrolment.completed", enrolment, actor)
    if passed:
        await _certify(session, enrolment, course, held.held_on, actor)
    return enrolment


async def _certify(
    session: AsyncSession, enrolment: Enrolment, course: TrainingCourse, on: date, actor: str
) -> None:
    months = course.validity_months
    certification = Certification(
        advisor_id=enrolment.advisor_id,
        course_id=course.id,
        enrolment_id=enrolment.id,
        issued_on=on,
        expires_on=add_months(on, months) if months else None,
    )
    session.add(certification)
    await session.flush()
    public = CertificationPublic.model_validate(certification)
    await emit_record(session, "certification.issued", public, actor)


async def certifications(
    session: AsyncSession, *, limit: int, cursor: str | None, valid_on: date | None, **filters: Any
) -> tuple[list[Certification], str | None]:
    stmt = select(Certification)
    if valid_on is not None:
        stmt = stmt.where(
            col(Certification.issued_on) <= valid_on,
            or_(col(Certification.expires_on).is_(None), col(Certification.expires_on) >= valid_on),
        )
    return await page(session, Certification, filters, limit=limit, cursor=cursor, stmt=stmt)


async def due(session: AsyncSession, *, on: date, within_days: int) -> DueList:
    """Active advisors whose required courses are uncertified, expired, or expire soon."""
    horizon = on + timedelta(days=within_days)
    latest = (
        select(
            col(Certification.advisor_id).label("advisor_id"),
            col(Certification.course_id).label("course_id"),
            func.max(func.coalesce(col(Certification.expires_on), FOREVER)).label("expires_on"),
        )
        .group_by(col(Certification.advisor_id), col(Certification.course_id))
        .subquery()
    )
    rows = await session.execute(
        select(
            col(Advisor.id),
            col(Advisor.employee_code),
            col(TrainingCourse.id),
            col(TrainingCourse.code),
            latest.c.expires_on,
        )
        .select_from(Advisor)
        .join(TrainingCourse, col(TrainingCourse.required).is_(True))
        .outerjoin(
            latest,
            (latest.c.advisor_id == col(Advisor.id))
            & (latest.c.course_id == col(TrainingCourse.id)),
        )
        .where(
            col(Advisor.status) == AdvisorStatus.active,
            or_(latest.c.expires_on.is_(None), latest.c.expires_on <= horizon),
        )
        .order_by(col(Advisor.employee_code), col(TrainingCourse.code))
    )
    items = []
    for advisor_id, code, course_id, course_code, expires in rows.all():
        expires_on = _as_date(expires)
        reason = (
            "never_certified"
            if expires_on is None
            else "expired"
            if expires_on < on
            else "expiring"
        )
        items.append(
            DueEntry(
                advisor_id=advisor_id,
                employee_code=code,
                course_id=course_id,
                course_code=course_code,
                expires_on=expires_on,
                reason=reason,
            )
        )
    return DueList(on=on, within_days=within_days, items=items)


def _as_date(value: Any) -> date | None:
    # SQLite hands MAX(COALESCE(date, ...)) back as text
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def _emit_enrolment(
    session: AsyncSession, type_: str, enrolment: Enrolment, actor: str
) -> None:
    await emit_record(session, type_, EnrolmentPublic.model_validate(enrolment), actor)
