"""The replenishment formulas, in Python: a proposal's figures from the window's Σq and Σq², the
stock position, the open orders and the policy. SQLite's computations use them; PostgreSQL's
(`sql_engine`) compute the same, operation for operation."""

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any


@dataclass(frozen=True)
class Policy:
    lead_time_days: int = 7
    review_period_days: int = 7
    service_level: float = 0.95
    min_quantity: int | None = None
    max_quantity: int | None = None
    order_multiple: int = 1
    minimum_order_quantity: int = 0


BUILT_IN = Policy()
POLICY_FIELDS = tuple(Policy.__dataclass_fields__)


def z_of(service_level: float) -> float:
    return NormalDist().inv_cdf(service_level)


def figures_from_sums(
    days: int,
    total: int,
    squares: int,
    on_hand: int,
    in_transit: int,
    policy: Policy,
    open_orders: int = 0,
) -> dict[str, Any]:
    """The proposal's figures from Σq and Σq² over a window of `days` days (days without sales
    count as zero): d = Σq/N, σ = √(Σq²/N − d²). PostgreSQL computes the same in `_figures_sql`,
    operation for operation."""
    d = float(total) / days
    sigma = math.sqrt(max(float(squares) / days - d * d, 0.0))
    z = z_of(policy.service_level)
    lead, review = policy.lead_time_days, policy.review_period_days
    safety = z * sigma * math.sqrt(lead)
    reorder_point = d * lead + safety
    order_up_to = d * (lead + review) + safety
    if policy.min_quantity is not None:
        reorder_point = float(policy.min_quantity)
    if policy.max_quantity is not None:
        order_up_to = float(policy.max_quantity)
    position = on_hand + in_transit + open_orders
    quantity = 0
    reorder = position <= reorder_point and order_up_to - position > 0
    if reorder:
        multiple = policy.order_multiple
        quantity = math.ceil(round(order_up_to - position, 9) / multiple) * multiple
        if quantity < policy.minimum_order_quantity:
            quantity = math.ceil(policy.minimum_order_quantity / multiple) * multiple
    return {
        "z": z,
        "mean_daily_demand": d,
        "demand_std_dev": sigma,
        "on_hand": on_hand,
        "in_transit": in_transit,
        "open_orders": open_orders,
        "inventory_position": position,
        "safety_stock": safety,
        "reorder_point": reorder_point,
        "order_up_to": order_up_to,
        "reorder": reorder,
        "proposed_quantity": quantity,
        "days_of_cover": on_hand / d if d > 0 else None,
        "stock_out": on_hand == 0 and d > 0,
    }


def figures(
    daily: list[int], on_hand: int, in_transit: int, policy: Policy, open_orders: int = 0
) -> dict[str, Any]:
    """The proposal's figures from the daily demand of the window (zeros included)."""
    if not daily:
        return figures_from_sums(1, 0, 0, on_hand, in_transit, policy, open_orders)
    squares = sum(x * x for x in daily)
    return figures_from_sums(
        len(daily), sum(daily), squares, on_hand, in_transit, policy, open_orders
    )
