"""Months of stored days, for reports that count per month, on either database; only days in
the range the API accepts have one (older rows may hold PostgreSQL's ±infinity)."""

from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.bulk import is_postgres
from chassis.types import EARLIEST, LATEST


def month_of(session: AsyncSession, day: Any) -> Any:
    """`YYYY-MM` of a date column."""
    if is_postgres(session):
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def plausible(day: Any) -> ColumnElement[bool]:
    """The day is one the API accepts (1900-01-01 … 2199-12-31): a report counts no other."""
    return day.between(EARLIEST, LATEST)
