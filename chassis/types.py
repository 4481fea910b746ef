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
    WithJsonSchema,
    field_validator,
)

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

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        path = _nul_path(value)
        if path is not None:
            raise ValueError(f"text{' at /' + path if path else ''} contains a NUL character")
        return value


def _nul_path(value: Any, prefix: str = "") -> str | None:
    if isinstance(value, str):
        return prefix if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = _nul_path(item, f"{prefix}/{key}" if prefix else str(key))
        if found is not None:
            return found
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
