"""Validators for Chinese and trade identifiers: GB/T 2260 region codes, GB 32100 unified social
credit codes, mainland mobile numbers and GTINs."""

import re
from enum import StrEnum

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_GB2260_RE = re.compile(r"^[1-9][0-9]{5}$")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015, mod 31)."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return "must be 18 characters"
    if not _USCC_RE.match(code):
        return (
            "has a character outside the GB 32100 alphabet (digits and A–Y without I, O, S, V, Z)"
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"check character is wrong (expected {expected})"
    return None


def is_mobile(number: str) -> bool:
    """A mainland China mobile number: 11 digits starting with 1."""
    return bool(_MOBILE_RE.match(number))


def gtin_problem(gtin: str) -> str | None:
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        return "must be 8, 12, 13 or 14 digits"
    digits = [int(c) for c in reversed(gtin[:-1])]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits))
    if (10 - total % 10) % 10 != int(gtin[-1]):
        return "check digit is wrong"
    return None


class AdminLevel(StrEnum):
    province = "province"
    prefecture = "prefecture"
    county = "county"


def gb2260_level(code: str) -> AdminLevel | None:
    """The level a GB/T 2260 code denotes, or None when it is not such a code."""
    if not _GB2260_RE.match(code):
        return None
    if code[2:] == "0000":
        return AdminLevel.province
    if code[4:] == "00":
        return AdminLevel.prefecture
    return AdminLevel.county


def gb2260_parent(code: str) -> str | None:
    """The code of the tree parent: 510104 → 510100 → 510000 → None."""
    level = gb2260_level(code)
    if level is AdminLevel.county:
        return code[:4] + "00"
    if level is AdminLevel.prefecture:
        return code[:2] + "0000"
    return None
