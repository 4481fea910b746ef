"""Every KPI's value for a set of advisors and a month, from this service's data: a handful of
GROUP BY queries whatever the number of advisors."""

from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.advisors.assessments.scoring import dec, round2
from services.advisors.models import (
    CUSTOMER_FACING,
    AdvisorSales,
    Assignment,
    Enrolment,
    TrainingSession,
    Visit,
    VisitStatus,
    WorkLog,
)
from services.advisors.periods import month_bounds, seconds_between
from services.advisors.work_logs.service import logged_in

Values = dict[UUID, dict[str, Decimal | None]]
MADE = (VisitStatus.checked_in, VisitStatus.reported)


def percent(part: Any, whole: Any) -> Decimal | None:
    """part ÷ whole as a percentage with 2 decimals; None when there is nothing to measure."""
    if not whole:
        return None
    return round2(dec(part or 0) / dec(whole) * 100)


def _within(column: Any, advisors: Collection[UUID] | None) -> list[Any]:
    return [] if advisors is None else [column.in_(list(advisors))]


async def measure(
    session: AsyncSession, period: str, advisors: Collection[UUID] | None, kpis: set[str]
) -> Values:
    """KPI values by advisor (all advisors with data when `advisors` is None)."""
    values: Values = defaultdict(dict)
    steps = [
        ({"visit_plan_adherence", "report_completion"}, _visits),
        ({"account_coverage"}, _coverage),
        ({"customer_facing_share"}, _time),
        ({"sales_achievement", "new_outlets", "receivables_collected"}, _sales),
        ({"training_completion"}, _training),
    ]
    for wanted, step in steps:
        if wanted & kpis:
            await step(session, period, advisors, values)
    return values


async def _visits(
    session: AsyncSession, period: str, advisors: Collection[UUID] | None, out: Values
) -> None:
    start, end = month_bounds(period)
    planned = ~col(Visit.unplanned)
    made = col(Visit.status).in_(MADE)
    rows = await session.execute(
        select(
            col(Visit.advisor_id),
            func.sum(case((planned, 1), else_=0)),
            func.sum(case((and_(planned, made), 1), else_=0)),
            func.sum(case((made, 1), else_=0)),
            func.sum(case((col(Visit.status) == VisitStatus.reported, 1), else_=0)),
        )
        .where(
            col(Visit.planned_date) >= start,
            col(Visit.planned_date) < end,
            *_within(col(Visit.advisor_id), advisors),
        )
        .group_by(col(Visit.advisor_id))
    )
    for advisor_id, n_planned, planned_made, n_made, n_reported in rows.all():
        out[advisor_id]["visit_plan_adherence"] = percent(planned_made, n_planned)
        out[advisor_id]["report_completion"] = percent(n_reported, n_made)


async def _coverage(
    session: AsyncSession, period: str, advisors: Collection[UUID] | None, out: Values
) -> None:
    """Of the accounts assigned at any time in the month, the share with a reported visit."""
    start, end = month_bounds(period)
    visited = and_(
        col(Visit.advisor_id) == col(Assignment.advisor_id),
        col(Visit.account_id) == col(Assignment.account_id),
        col(Visit.status) == VisitStatus.reported,
        col(Visit.planned_date) >= start,
        col(Visit.planned_date) < end,
    )
    rows = await session.execute(
        select(
            col(Assignment.advisor_id),
            func.count(distinct(col(Assignment.account_id))),
            func.count(distinct(col(Visit.account_id))),
        )
        .select_from(Assignment)
        .outerjoin(Visit, visited)
        .where(
            col(Assignment.from_date) < end,
            or_(col(Assignment.to_date).is_(None), col(Assignment.to_date) >= start),
            *_within(col(Assignment.advisor_id), advisors),
        )
        .group_by(col(Assignment.advisor_id))
    )
    for advisor_id, assigned, covered in rows.all():
        out[advisor_id]["account_coverage"] = percent(covered, assigned)


async def _time(
    session: AsyncSession, period: str, advisors: Collection[UUID] | None, out: Values
) -> None:
    span = seconds_between(session, col(WorkLog.started_at), col(WorkLog.ended_at))
    facing = col(WorkLog.activity_type).in_(CUSTOMER_FACING)
    rows = await session.execute(
        select(
            col(WorkLog.advisor_id),
            func.sum(span),
            func.sum(case((facing, span), else_=0)),
        )
        .where(*logged_in(period), *_within(col(WorkLog.advisor_id), advisors))
        .group_by(col(WorkLog.advisor_id))
    )
    for advisor_id, total, at_customers in rows.all():
        out[advisor_id]["customer_facing_share"] = percent(
            round(float(at_customers or 0)), round(float(total or 0))
        )


async def _sales(
    session: AsyncSession, period: str, advisors: Collection[UUID] | None, out: Values
) -> None:
    rows = await session.scalars(
        select(AdvisorSales).where(
            col(AdvisorSales.period) == period, *_within(col(AdvisorSales.advisor_id), advisors)
        )
    )
    for sales in rows.all():
        got = out[sales.advisor_id]
        got["sales_achievement"] = percent(sales.sales_actual, sales.sales_target)
        got["new_outlets"] = Decimal(sales.new_outlets)
        got["receivables_collected"] = percent(sales.receivables_collected, sales.receivables_due)


async def _training(
    session: AsyncSession, period: str, advisors: Collection[UUID] | None, out: Values
) -> None:
    start, end = month_bounds(period)
    rows = await session.execute(
        select(
            col(Enrolment.advisor_id),
            func.count(),
            func.sum(case((col(Enrolment.passed).is_(True), 1), else_=0)),
        )
        .join(TrainingSession, col(TrainingSession.id) == col(Enrolment.session_id))
        .where(
            col(TrainingSession.held_on) >= start,
            col(TrainingSession.held_on) < end,
            *_within(col(Enrolment.advisor_id), advisors),
        )
        .group_by(col(Enrolment.advisor_id))
    )
    for advisor_id, enrolled, passed in rows.all():
        out[advisor_id]["training_completion"] = percent(passed, enrolled)
