"""Request field types of this service beyond the chassis ones: texts by length, codes, months
within the dates the platform accepts, coordinates and scores."""

from typing import Annotated, Any

from pydantic import AfterValidator, Field, WithJsonSchema

from chassis.types import EARLIEST, LATEST, PERIOD_RE, Lax, text
from chassis.types import Period as AnyMonth
from services.advisors.models import AccountKind

CODE_RE = r"^[0-9A-Z][0-9A-Z_-]{1,39}$"

# Texts: trimmed, blank refused, no longer than their column.
Category = text(60)
Label = text(100)
Short = text(500)
Note = text(1000)
Code = Annotated[str, Field(min_length=2, max_length=40, pattern=CODE_RE)]


def _within_dates(value: str) -> str:
    """A month the platform's dates can hold (and a month's end can be computed for)."""
    if not EARLIEST.year <= int(value[:4]) <= LATEST.year:
        raise ValueError(f"must be a month from {EARLIEST:%Y-%m} to {LATEST:%Y-%m}")
    return value


_PERIOD_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": PERIOD_RE,
    "description": f"A month as YYYY-MM, from {EARLIEST:%Y-%m} to {LATEST:%Y-%m}",
    "examples": ["2026-11"],
}
Period = Annotated[AnyMonth, AfterValidator(_within_dates), WithJsonSchema(_PERIOD_SCHEMA)]

Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Kind = Annotated[AccountKind, Lax]
Points = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
