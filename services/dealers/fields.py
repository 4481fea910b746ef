"""Request field types of this service beyond the chassis ones (ERP codes, registration numbers,
mobiles, GTINs, counts, short texts), and money kept to the cent."""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from chassis.types import text
from chassis.validators import gtin_problem, is_mobile, uscc_problem

CENT = Decimal("0.01")
MAX_COUNT = 1_000_000_000


def _checked(problem: Any) -> AfterValidator:
    def check(value: str) -> str:
        found = problem(value)
        if found:
            raise ValueError(found)
        return value

    return AfterValidator(check)


def _mobile_problem(value: str) -> str | None:
    return None if is_mobile(value) else "must be a mainland mobile number: 11 digits from 1"


Code = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[0-9A-Z][0-9A-Z_-]{1,39}$")]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Uscc = Annotated[
    str,
    Field(
        min_length=18,
        max_length=18,
        description="Unified social credit code (GB 32100), check character verified",
        examples=["91350100M000100Y43"],
    ),
    _checked(uscc_problem),
]
Mobile = Annotated[
    str,
    Field(min_length=11, max_length=11, examples=["13800138000"]),
    _checked(_mobile_problem),
]
Gtin = Annotated[
    str,
    Field(min_length=8, max_length=14, pattern=r"^[0-9]+$", examples=["6901234567892"]),
    _checked(gtin_problem),
]
# Short texts, trimmed and never blank, like the chassis' Name and Text.
ContactName = text(100)
Role = text(50)
Address = text(300)
Unit = text(20)
Evidence = text(500)


def quantize(value: Decimal | None) -> Decimal | None:
    """Money as stored: to the cent."""
    return None if value is None else value.quantize(CENT)
