"""Turning a region's survey figures into criterion scores (pure functions)."""

from decimal import Decimal
from typing import Any

from services.regions.keymarkets.schemas import CriterionMetric
from services.regions.market.measures import coverage, gap_to_leader
from services.regions.models import MarketSurvey

M = CriterionMetric
# metrics read straight off the survey
SURVEYED = [
    M.population,
    M.households,
    M.capacity_amount,
    M.capacity_volume,
    M.outlets_total,
    M.outlets_covered,
    M.our_sales,
    M.our_share,
]


def figures(
    latest: MarketSurvey | None, before: MarketSurvey | None, competitors: list[Decimal]
) -> dict[M, float | None]:
    """Every criterion metric of a region from its latest survey (and the competitors' shares in
    it) and the survey before."""
    if latest is None:
        return dict.fromkeys(M)
    out: dict[M, float | None] = {m: float(getattr(latest, m.value)) for m in SURVEYED}
    share = coverage(latest.outlets_covered, latest.outlets_total)
    out[M.coverage] = None if share is None else float(share)
    out[M.capacity_growth] = _growth(
        latest.capacity_amount, before.capacity_amount if before else None
    )
    out[M.sales_growth] = _growth(latest.our_sales, before.our_sales if before else None)
    out[M.gap_to_leader] = float(gap_to_leader(latest.our_share, competitors))
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
