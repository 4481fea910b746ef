"""Field types of this service beyond the chassis ones (`Name`, `Text`, `LongText`, dates): codes,
counts, percentages, scoring numbers, target values, month and rollup query parameters, and the
ratio and percentage outputs."""

import re
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query
from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

from chassis.types import Lax, Money, Period, text
from services.regions.models import BudgetCategory, TargetMetric
from services.regions.periods import ROLLUP_RE

PERCENT_RE = r"^[0-9]{1,3}(\.[0-9]{1,2})?$"
_PERCENT = re.compile(PERCENT_RE)
MAX_COUNT = 2_000_000_000

# A region's code: GB/T 2260 for administrative regions, the company's own for sales regions.
RegionCode = Annotated[
    str, Field(min_length=2, max_length=20, pattern=r"^[0-9A-Z][0-9A-Z_-]{1,19}$")
]
# The code of a competitor or a key-market model.
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z][0-9A-Za-z_.-]*$")]
# Where actuals come from (`erp`, `manual`, ...): trimmed, not blank.
Source = text(40)


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
# A criterion's floor, ceiling or band minimum, and a score from 0 to 100.
Number = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
# Enums arrive as their string value.
Category = Annotated[BudgetCategory, Lax]
Metric = Annotated[TargetMetric, Lax]
TargetValue = Annotated[
    Money, Field(description="Amount (CNY), units, outlets, or % for market_share")
]

# Query parameters: a month, and a rollup period (a month, a quarter or a year).
MonthQuery = Annotated[Period | None, Query(description="A month `YYYY-MM`")]
RollupPeriod = Annotated[str, StringConstraints(pattern=ROLLUP_RE)]
ROLLUP_HELP = "A month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`"
RollupQuery = Annotated[RollupPeriod, Query(description=ROLLUP_HELP)]

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
