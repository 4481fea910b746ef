"""Certifications: issued by a pass of a course with a validity, valid until they expire; who
is due for a required course is computed in SQL."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.identity import Principal
from chassis.queries import page
from services.advisors.certifications.schemas import (
    CertificationPublic,
    DueEntry,
    DueList,
    DueReason,
)
from services.advisors.events import emit_record
from services.advisors.models import (
    Advisor,
    AdvisorStatus,
    Certification,
    Enrolment,
    TrainingCourse,
)

# what a certification without expiry counts as when the latest expiry is looked for
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


async def issue(
    session: AsyncSession,
    enrolment: Enrolment,
    course: TrainingCourse,
    on: date,
    caller: Principal,
) -> Certification:
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
    await emit_record(session, "certification.issued", public, caller)
    return certification


async def list_page(
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
        items.append(
            DueEntry(
                advisor_id=advisor_id,
                employee_code=code,
                course_id=course_id,
                course_code=course_code,
                expires_on=expires_on,
                reason=_reason(expires_on, on),
            )
        )
    return DueList(on=on, within_days=within_days, items=items)


def _reason(expires_on: date | None, on: date) -> DueReason:
    if expires_on is None:
        return "never_certified"
    return "expired" if expires_on < on else "expiring"


def _as_date(value: Any) -> date | None:
    # SQLite hands MAX(COALESCE(date, ...)) back as text
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
