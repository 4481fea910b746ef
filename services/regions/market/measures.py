"""Survey measures with one definition each, read by the analytics and by key-market scoring:
outlet coverage and the gap to No. 1."""

from collections.abc import Iterable
from decimal import Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def coverage(covered: int, total: int) -> Decimal | None:
    """Outlets we cover ÷ outlets in the region, in %; none without outlets."""
    return None if not total else Decimal(covered) * HUNDRED / total


def gap_to_leader(ours: Decimal, competitors: Iterable[Decimal]) -> Decimal:
    """The gap to No. 1: the market leader's share minus ours, in percentage points. A competitor
    that leads makes it positive; when we lead, or tie the best competitor, it is 0 (there is no
    one ahead of us to catch up with)."""
    return max(ZERO, max(competitors, default=ZERO) - ours)
