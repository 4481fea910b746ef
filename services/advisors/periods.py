"""Months as half-open UTC ranges, and SQL for a span's length in seconds on either backend."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.bulk import is_postgres


def month_bounds(period: str) -> tuple[date, date]:
    """First day of the month `YYYY-MM` and first day of the next."""
    year, month = int(period[:4]), int(period[5:7])
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return start, end


def month_instants(period: str) -> tuple[datetime, datetime]:
    start, end = month_bounds(period)
    return (
        datetime(start.year, start.month, 1, tzinfo=UTC),
        datetime(end.year, end.month, 1, tzinfo=UTC),
    )


def seconds_between(session: AsyncSession, start: Any, end: Any) -> Any:
    """SQL for `end - start` in seconds on the session's database."""
    if is_postgres(session):
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0
