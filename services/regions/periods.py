"""Rollup periods: a month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`, as a range of months."""

import re

ROLLUP_RE = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")


def month_range(period: str) -> tuple[str, str]:
    """The first and last month (`YYYY-MM`) a rollup period covers."""
    if len(period) == 4:
        return f"{period}-01", f"{period}-12"
    quarter = _QUARTER.match(period)
    if quarter:
        year, q = quarter.group(1), int(quarter.group(2))
        return f"{year}-{3 * q - 2:02d}", f"{year}-{3 * q:02d}"
    return period, period


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def sub_period(month: str, by: str) -> str:
    """The month, quarter or year a month falls in."""
    if by == "quarter":
        return f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"
    if by == "year":
        return month[:4]
    return month
