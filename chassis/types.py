"""Strict request field types: `false` is not a quantity, `"12"` is not an integer, and money,
dates and ids arrive as strings."""

import re
import types
import typing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    Strict,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

TIMESTAMP_RE = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
    r"(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
PERIOD_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
MONEY_RE = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
SIGNED_DECIMAL_RE = r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"


# Enums arrive as their string value: strict mode would insist on an enum instance.
Lax = Strict(False)


class RequestModel(BaseModel):
    """Base of every request body: strict types, unknown fields refused, no NUL characters."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        """PostgreSQL text can't hold NUL: refuse it naming the field. One pass over the raw
        fields per model (a validator per field cost a bulk request a tenth of its CPU). In the
        same pass a whole-number float (`12.0`, as some ERPs write every number) becomes the
        integer an integer field expects."""
        if not isinstance(data, dict):
            return data
        integers = _integer_fields(cls)
        for key, value in data.items():
            if isinstance(value, float) and key in integers and _whole(value):
                data = {**data, key: int(value)}
                continue
            if isinstance(value, str):
                if "\x00" not in value:
                    continue
                path: tuple[str | int, ...] = ()
            elif isinstance(value, dict | list):
                found = _nul_path(value)
                if found is None:
                    continue
                path = found
            else:
                continue
            detail = InitErrorDetails(type=_NUL, loc=(key, *path), input=value)
            raise ValidationError.from_exception_data(cls.__name__, [detail])
        return data


_NUL = PydanticCustomError("nul_character", "contains a NUL character")


def _whole(value: float) -> bool:
    return value.is_integer() and abs(value) < 2**63


def _is_int(annotation: Any) -> bool:
    """`int`, `Annotated[int, ...]` or an optional one (a bool is not an integer here)."""
    if typing.get_origin(annotation) is Annotated:
        return _is_int(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return len(args) == 1 and _is_int(args[0])
    return annotation is int


@cache
def _integer_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(
        field.alias or name
        for name, field in model.model_fields.items()
        if _is_int(field.annotation) or (field.annotation is int)
    )


def _nul_path(value: Any) -> tuple[str | int, ...] | None:
    """Where in `value` a string holds a NUL character, if one does."""
    if isinstance(value, str):
        return () if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = _nul_path(item)
        if found is not None:
            return (key, *found)
    return None


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _string_only(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _matching(pattern: str, what: str) -> BeforeValidator:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise ValueError(f"must be {what}")
        return value

    return BeforeValidator(check)


def text(max_length: int, *, min_length: int = 1) -> Any:
    """A text field: surrounding white space (ideographic spaces included) is trimmed, and what
    is left must not be empty, so `"   "` is no name."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
    ]


Name = text(200)
Text = text(2000)
LongText = text(10_000)

# Dates a business fact can carry: a wide but finite range, because PostgreSQL stores the
# driver's extremes (year 1, 9999-12-31) as ±infinity, which no report can read back.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
# How far ahead of the server's UTC clock a fact that has happened may be dated: a day for
# dates (China's calendar day starts 8 hours before UTC's), five minutes of clock skew for instants.
DATE_AHEAD = timedelta(days=1)
INSTANT_AHEAD = timedelta(minutes=5)


def _in_range(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


def _not_future_day(value: date) -> date:
    if value > datetime.now(UTC).date() + DATE_AHEAD:
        raise ValueError("must not be in the future: it records something that happened")
    return value


def _not_future_instant(value: datetime) -> datetime:
    if value > datetime.now(UTC) + INSTANT_AHEAD:
        raise ValueError("must not be in the future: it records something that happened")
    return value


Id = Annotated[
    UUID,
    Strict(False),
    BeforeValidator(_string_only),
    WithJsonSchema({"type": "string", "format": "uuid"}),
]
# Usable as request fields and as query parameters alike (a query's `?on=0` is no date).
Date = Annotated[
    date,
    Strict(False),
    _matching(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "a calendar date as YYYY-MM-DD"),
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Timestamp = Annotated[
    datetime,
    Strict(False),
    _matching(TIMESTAMP_RE, "an ISO 8601 date-time with a time zone"),
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
# A day or an instant at which something happened: not after today (tomorrow in UTC+14) or now.
PastDate = Annotated[Date, AfterValidator(_not_future_day)]
PastTimestamp = Annotated[Timestamp, AfterValidator(_not_future_instant)]
Money = Annotated[
    Decimal,
    Strict(False),
    _matching(MONEY_RE, "a non-negative amount as a string with at most 2 decimals"),
    WithJsonSchema({"type": "string", "pattern": MONEY_RE, "examples": ["1200.50"]}),
]
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["1200.00"]}),
]
Period = Annotated[
    str,
    _matching(PERIOD_RE, "a month as YYYY-MM"),
    WithJsonSchema({"type": "string", "pattern": PERIOD_RE, "examples": ["2026-11"]}),
]
