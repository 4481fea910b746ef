"""Turning a region's survey figures into criterion scores (pure functions)."""

from decimal import Decimal
from typing import Any

from services.regions.keymarkets.schemas import CriterionMetric
from services.regions.models import MarketSurvey

M = CriterionMetric


def figures(
    latest: MarketSurvey | None, before: MarketSurvey | None, leader_share: Decimal | None
) -> dict[M, float | None]:
    """Every criterion metric of a region from its latest survey and the one before."""
    if latest is None:
        return dict.fromkeys(M)
    out: dict[M, float | None] = {
        m: float(getattr(latest, m.value))
        for m in M
        if m.value
        in {
            "population",
            "households",
            "capacity_amount",
            "capacity_volume",
            "outlets_total",
            "outlets_covered",
            "our_sales",
            "our_share",
        }
    }
    total = latest.outlets_total
    out[M.coverage] = latest.outlets_covered * 100 / total if total else None
    out[M.capacity_growth] = _growth(
        latest.capacity_amount, before.capacity_amount if before else None
    )
    out[M.sales_growth] = _growth(latest.our_sales, before.our_sales if before else None)
    out[M.competitor_gap] = (
        float(leader_share - latest.our_share)
        if leader_share is not None
        else float(-latest.our_share)
    )
    return out


def _growth(now: Decimal, then: Decimal | None) -> float | None:
    if then is None or not then:
        return None
    return float((now - then) * 100 / then)


def score(value: float | None, scoring: dict[str, Any]) -> float:
    if value is None:
        return 0.0
    if scoring["kind"] == "bands":
        reached = [b["score"] for b in scoring["bands"] if value >= b["min"]]
        return float(reached[-1]) if reached else 0.0
    floor, ceiling = scoring["floor"], scoring["ceiling"]
    part = min(1.0, max(0.0, (value - floor) / (ceiling - floor)))
    return round(100 * (1 - part if scoring["kind"] == "inverted" else part), 4)
