"""What an order's moves do to stock: a shipment takes the goods out of the supplying dealer's
warehouse position, a delivery adds them to the receiving location's. Lines are written in key
order, as stock reports write positions, so racing writers wait instead of deadlocking."""

from datetime import UTC, datetime

from sqlalchemy import Table, bindparam, case, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import new_id
from chassis.queries import dialect_insert
from services.dealers.models import Order, OrderLine, StockPosition

POSITIONS: Table = StockPosition.__table__  # type: ignore[attr-defined]


async def receive(
    session: AsyncSession, order: Order, lines: list[OrderLine], at: datetime, *, late: bool
) -> None:
    """Add the delivered quantities to the receiving location's stock position (made if none),
    which then stands at the delivery's time unless it is newer. A delivery recorded after the
    fact (`late`) leaves alone a position counted after it: that count already holds the goods."""
    rows = [
        {
            "id": new_id(),
            "location_id": order.buyer_id,
            "location_type": order.buyer_type,
            "dealer_id": order.dealer_id,
            "region_id": order.region_id,
            "product_id": line.product_id,
            "as_of": at,
            "on_hand": line.quantity,
            "in_transit": 0,
            "updated_at": datetime.now(UTC),
        }
        for line in sorted(lines, key=lambda line: line.product_id)
    ]
    stmt = dialect_insert(session, POSITIONS).values(rows)
    older = POSITIONS.c.as_of < stmt.excluded.as_of
    added = POSITIONS.c.on_hand + stmt.excluded.on_hand
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[POSITIONS.c.location_id, POSITIONS.c.product_id],
            set_={
                "on_hand": case((older, added), else_=POSITIONS.c.on_hand) if late else added,
                "as_of": case((older, stmt.excluded.as_of), else_=POSITIONS.c.as_of),
                "updated_at": stmt.excluded.updated_at,
            },
        )
    )


async def take_from_seller(
    session: AsyncSession, order: Order, lines: list[OrderLine], at: datetime, *, late: bool
) -> None:
    """A dealer shipping to its outlet takes the goods out of its warehouse position (never
    below zero: the next count corrects it); a shipment recorded after the fact (`late`) leaves
    alone a position counted after it."""
    left = POSITIONS.c.on_hand - bindparam("b_quantity")
    stmt = update(POSITIONS).where(
        POSITIONS.c.location_id == order.seller_id,
        POSITIONS.c.product_id == bindparam("b_product"),
    )
    if late:
        stmt = stmt.where(POSITIONS.c.as_of < at)
    newer = case((POSITIONS.c.as_of < at, at), else_=POSITIONS.c.as_of)
    stmt = stmt.values(
        on_hand=case((left > 0, left), else_=0), as_of=newer, updated_at=datetime.now(UTC)
    )
    # one statement for all lines
    params = [
        {"b_product": line.product_id, "b_quantity": line.quantity}
        for line in sorted(lines, key=lambda line: line.product_id)
    ]
    await session.execute(stmt, params)
