"""Identifier validators: GB 32100, GB/T 2260, mobile numbers, GTIN."""

import pytest

from chassis.validators import (
    AdminLevel,
    gb2260_level,
    gb2260_parent,
    gtin_problem,
    is_mobile,
    uscc_check_char,
    uscc_problem,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_valid_unified_social_credit_codes(code: str) -> None:
    assert uscc_problem(code) is None


def test_check_character_is_mod_31() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert "check character" in (uscc_problem("91350100M000100Y44") or "")


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100I43", "alphabet"),
        ("9135010OM000100Y43", "alphabet"),
        ("91350100m000100Y43", "alphabet"),
    ],
)
def test_invalid_unified_social_credit_codes(code: str, why: str) -> None:
    assert why in (uscc_problem(code) or "")


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("13812345678", True),
        ("19912345678", True),
        ("12812345678", False),
        ("1381234567", False),
        ("138123456789", False),
        ("+8613812345678", False),
        ("1381234567a", False),
    ],
)
def test_mobile_numbers(number: str, ok: bool) -> None:
    assert is_mobile(number) is ok


@pytest.mark.parametrize(
    ("gtin", "ok"),
    [
        ("4006381333931", True),
        ("4006381333932", False),
        ("96385074", True),
        ("036000291452", True),
        ("10614141000415", True),
        ("123", False),
        ("40063813339a1", False),
    ],
)
def test_gtin_check_digit(gtin: str, ok: bool) -> None:
    assert (gtin_problem(gtin) is None) is ok


def test_gb2260_levels_and_parents() -> None:
    assert gb2260_level("510000") is AdminLevel.province
    assert gb2260_level("510100") is AdminLevel.prefecture
    assert gb2260_level("510104") is AdminLevel.county
    assert gb2260_level("010000") is None and gb2260_level("51010") is None
    assert [gb2260_parent(c) for c in ("510104", "510100", "510000")] == ["510100", "510000", None]
