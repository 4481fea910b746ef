"""Work-log rules (no overlaps for one advisor) and the time-allocation report, in SQL."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.db import serialize
from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, must_exist, no_nulls, page
from services.advisors.events import emit_record
from services.advisors.models import CUSTOMER_FACING, ActivityType, Advisor, Visit, WorkLog
from services.advisors.periods import month_instants, seconds_between
from services.advisors.work_logs.schemas import (
    TimeAllocation,
    TypeShare,
    WorkLogCreate,
    WorkLogPublic,
    WorkLogUpdate,
)

MAX_SPAN = timedelta(hours=24)


async def get(session: AsyncSession, work_log_id: UUID) -> WorkLog:
    return await get_or_404(session, WorkLog, work_log_id, "Work log")


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    started_from: datetime | None,
    started_before: datetime | None,
    **filters: Any,
) -> tuple[list[WorkLog], str | None]:
    stmt = select(WorkLog)
    if started_from is not None:
        stmt = stmt.where(col(WorkLog.started_at) >= started_from)
    if started_before is not None:
        stmt = stmt.where(col(WorkLog.started_at) < started_before)
    return await page(session, WorkLog, filters, limit=limit, cursor=cursor, stmt=stmt)


def _check_span(started_at: datetime, ended_at: datetime) -> None:
    if ended_at <= started_at:
        raise field_error("#/ended_at", "must be after started_at")
    if ended_at - started_at > MAX_SPAN:
        raise field_error("#/ended_at", "an entry spans at most 24 hours; split it")


async def _check_no_overlap(
    session: AsyncSession, log: WorkLogCreate | WorkLog, *, skip: UUID | None
) -> None:
    # two entries for one advisor could each see a free slot; the lock makes them take turns
    await serialize(session, f"work-logs.{log.advisor_id}")
    stmt = select(WorkLog).where(
        col(WorkLog.advisor_id) == log.advisor_id,
        col(WorkLog.started_at) < log.ended_at,
        col(WorkLog.ended_at) > log.started_at,
    )
    if skip is not None:
        stmt = stmt.where(col(WorkLog.id) != skip)
    clash = (await session.scalars(stmt.limit(1))).first()
    if clash is not None:
        raise Conflict(
            f"The entry overlaps entry {clash.id} ({clash.activity_type}, "
            f"{clash.started_at.isoformat()} to {clash.ended_at.isoformat()}).",
            field="started_at",
        )


async def _check_refs(session: AsyncSession, advisor_id: UUID, visit_id: UUID | None) -> None:
    if visit_id is None:
        return
    visit = await must_exist(session, Visit, visit_id, "#/visit_id")
    if visit.advisor_id != advisor_id:
        raise field_error("#/visit_id", "is another advisor's visit")


async def create(session: AsyncSession, data: WorkLogCreate, *, caller: Principal) -> WorkLog:
    _check_span(data.started_at, data.ended_at)
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    await _check_refs(session, data.advisor_id, data.visit_id)
    await _check_no_overlap(session, data, skip=None)
    log = WorkLog(**data.model_dump())
    session.add(log)
    await session.flush()
    await _emit(session, "work_log.created", log, caller)
    return log


async def update(
    session: AsyncSession, log: WorkLog, data: WorkLogUpdate, *, caller: Principal
) -> WorkLog:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("activity_type", "started_at", "ended_at"))
    _check_span(changes.get("started_at", log.started_at), changes.get("ended_at", log.ended_at))
    if "visit_id" in changes:
        await _check_refs(session, log.advisor_id, changes["visit_id"])
    apply_changes(log, changes)
    if "started_at" in changes or "ended_at" in changes:
        await _check_no_overlap(session, log, skip=log.id)
    await session.flush()
    await _emit(session, "work_log.updated", log, caller)
    return log


async def delete(session: AsyncSession, log: WorkLog, *, caller: Principal) -> None:
    await _emit(session, "work_log.deleted", log, caller)
    await session.delete(log)
    await session.flush()


def logged_in(period: str) -> list[Any]:
    """Entries that start in the month (UTC) and end after they start, at most a day after the
    month: an entry the rules would refuse (stored by other means) can't break a report."""
    start, end = month_instants(period)
    return [
        col(WorkLog.started_at) >= start,
        col(WorkLog.started_at) < end,
        col(WorkLog.ended_at) > col(WorkLog.started_at),
        col(WorkLog.ended_at) <= end + MAX_SPAN,
    ]


async def allocation(session: AsyncSession, advisor_id: UUID, period: str) -> TimeAllocation:
    """Hours and share per activity type of the entries that start in the month (UTC)."""
    await get_or_404(session, Advisor, advisor_id, "Advisor")
    seconds = func.sum(seconds_between(session, col(WorkLog.started_at), col(WorkLog.ended_at)))
    rows = await session.execute(
        select(col(WorkLog.activity_type), seconds)
        .where(
            col(WorkLog.advisor_id) == advisor_id,
            col(WorkLog.activity_type).in_(list(ActivityType)),
            *logged_in(period),
        )
        .group_by(col(WorkLog.activity_type))
    )
    hours = {ActivityType(kind): float(secs) / 3600 for kind, secs in rows.all()}
    total = sum(hours.values())
    facing = sum(h for kind, h in hours.items() if kind in CUSTOMER_FACING)
    return TimeAllocation(
        advisor_id=advisor_id,
        period=period,
        total_hours=round(total, 2),
        customer_facing_hours=round(facing, 2),
        customer_facing_share=_share(facing, total),
        by_type=[
            TypeShare(
                activity_type=kind,
                hours=round(hours.get(kind, 0.0), 2),
                share=_share(hours.get(kind, 0.0), total),
            )
            for kind in ActivityType
        ],
    )


def _share(part: float, total: float) -> float:
    return round(100 * part / total, 2) if total else 0.0


async def _emit(session: AsyncSession, type_: str, log: WorkLog, caller: Principal) -> None:
    await emit_record(session, type_, WorkLogPublic.model_validate(log), caller)
