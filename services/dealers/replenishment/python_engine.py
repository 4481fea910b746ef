"""The SQLite engine of a computation: the inputs read, each pair's figures computed by
`figures_from_sums`, the proposals inserted in slices and the reorder points recorded."""

from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.queries import chunks
from services.dealers.replenishment.figures import POLICY_FIELDS, Policy, figures_from_sums
from services.dealers.replenishment.inputs import (
    CAPPED,
    MAX_QUANTITY,
    MAX_REORDER_POINT,
    POSITIONS,
    PROPOSALS,
    proposal_id,
)


async def compute_in_python(
    session: AsyncSession, inputs: Any, constants: dict[str, Any]
) -> tuple[int, int, int]:
    """Read the inputs, compute each pair's figures, insert the proposals, record the reorder
    points; answers the counts of pairs, reorders and stock-outs."""
    days = constants["window_days"]
    rows: list[dict[str, Any]] = []
    reorder_points: list[dict[str, Any]] = []
    for n, r in enumerate((await session.execute(inputs)).mappings(), start=1):
        policy = Policy(**{name: r[name] for name in POLICY_FIELDS})
        on_hand, in_transit, open_orders = (
            int(r["on_hand"]),
            int(r["in_transit"]),
            int(r["open_orders"]),
        )
        got = figures_from_sums(
            days, int(r["total"]), int(r["squares"]), on_hand, in_transit, policy, open_orders
        )
        row = {
            "id": proposal_id(constants["computation_id"], n),
            **constants,
            "location_id": r["location_id"],
            "location_type": r["location_type"],
            "dealer_id": r["dealer_id"],
            "region_id": r["region_id"],
            "product_id": r["product_id"],
            "policy_id": r["policy_id"],
            "policy_source": r["policy_source"],
            **{name: r[name] for name in POLICY_FIELDS},
            **got,
            **{name: min(got[name], MAX_QUANTITY) for name in CAPPED},
        }
        rows.append(row)
        if r["has_position"]:
            reorder_points.append(
                {
                    "b_location": r["location_id"],
                    "b_product": r["product_id"],
                    "b_rop": round(min(got["reorder_point"], MAX_REORDER_POINT), 4),
                }
            )
    for part in chunks(rows, 500):
        await session.execute(insert(PROPOSALS), part)
    if reorder_points:
        await session.execute(
            update(POSITIONS)
            .where(
                POSITIONS.c.location_id == bindparam("b_location"),
                POSITIONS.c.product_id == bindparam("b_product"),
            )
            .values(reorder_point=bindparam("b_rop")),
            reorder_points,
        )
    return (
        len(rows),
        sum(1 for row in rows if row["reorder"]),
        sum(1 for row in rows if row["stock_out"]),
    )
