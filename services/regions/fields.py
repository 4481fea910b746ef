"""Request field types of this service beyond the chassis ones: counts and percentages."""

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, Strict, WithJsonSchema

PERCENT_RE = r"^[0-9]{1,3}(\.[0-9]{1,2})?$"
_PERCENT = re.compile(PERCENT_RE)
MAX_COUNT = 2_000_000_000


def _percent(value: Any) -> Any:
    if not isinstance(value, str) or not _PERCENT.fullmatch(value) or Decimal(value) > 100:
        raise ValueError("must be a percentage from 0 to 100 as a string, at most 2 decimals")
    return value


Percent = Annotated[
    Decimal,
    Strict(False),
    BeforeValidator(_percent),
    WithJsonSchema({"type": "string", "pattern": PERCENT_RE, "examples": ["35.5"]}),
]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Text = Annotated[str, Field(min_length=1, max_length=10_000)]

PercentOut = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["35.50"]}),
]

RatioOut = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.4f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{4}$", "examples": ["0.9523"]}),
]
