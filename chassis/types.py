"""Strict request field types: `false` is not a quantity, `"12"` is not an integer, and money,
dates and ids arrive as strings."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    Strict,
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
        fields per model (a validator per field cost a bulk request a tenth of its CPU)."""
        if not isinstance(data, dict):
            return data
        for key, value in data.items():
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


Id = Annotated[
    UUID,
    Strict(False),
    BeforeValidator(_string_only),
    WithJsonSchema({"type": "string", "format": "uuid"}),
]
Date = Annotated[
    date,
    Strict(False),
    _matching(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "a calendar date as YYYY-MM-DD"),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Timestamp = Annotated[
    datetime,
    Strict(False),
    _matching(TIMESTAMP_RE, "an ISO 8601 date-time with a time zone"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
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
