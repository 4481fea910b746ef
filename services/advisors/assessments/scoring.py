"""From KPI values to scores, a weighted total, a grade and the incentive: pure arithmetic."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
GRADES = ("A", "B", "C")


def dec(value: float | int | str | Decimal) -> Decimal:
    return Decimal(str(value))


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def score(rule: dict[str, Any], value: Decimal | None) -> Decimal:
    """0–100: linear to the target (capped), or the score of the highest band reached."""
    if value is None:
        return Decimal(0)
    if rule["rule"] == "linear":
        return round2(min(Decimal(100), value / dec(rule["target"]) * 100))
    reached = [dec(b["score"]) for b in rule["bands"] if value >= dec(b["min"])]
    return round2(max(reached, default=Decimal(0)))


def grade(total: Decimal, bands: dict[str, Any]) -> str:
    return next((g for g in GRADES if total >= dec(bands[g])), "D")


def assess(
    scheme_kpis: list[dict[str, Any]],
    values: dict[str, Decimal | None],
    bands: dict[str, Any],
    coefficients: dict[str, Any],
    base: Decimal,
) -> tuple[list[dict[str, Any]], Decimal, str, Decimal]:
    """Per-KPI results, the weighted score, the grade and the incentive."""
    results, total = [], Decimal(0)
    for rule in scheme_kpis:
        value = values.get(rule["kpi"])
        points = score(rule, value)
        weighted = points * rule["weight"] / 100
        total += weighted
        results.append(
            {
                "kpi": rule["kpi"],
                "weight": rule["weight"],
                "value": None if value is None else float(value),
                "score": float(points),
                "weighted": float(round2(weighted)),
            }
        )
    total = round2(total)
    letter = grade(total, bands)
    return results, total, letter, round2(base * dec(coefficients[letter]))
