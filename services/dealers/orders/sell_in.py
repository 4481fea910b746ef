"""Sell-in: what was delivered into the channel, per receiving location × product × day, from
delivered orders, to set against sell-out."""

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.identity import Principal
from chassis.queries import where_equal
from services.dealers.models import Order, OrderStatus
from services.dealers.orders.lines import LINES
from services.dealers.partners import partners_own


async def sell_in(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    offset: int,
    day_from: date | None = None,
    day_to: date | None = None,
    product_id: UUID | None = None,
    **filters: Any,
) -> list[Any]:
    """Delivered quantities and amounts per receiving location × product × day of delivery:
    `limit + 1` rows from `offset`, so the caller can tell whether more follow."""
    stmt = (
        select(
            col(Order.buyer_id).label("location_id"),
            col(Order.buyer_type).label("location_type"),
            col(Order.dealer_id),
            LINES.c.product_id,
            col(Order.delivered_on).label("day"),
            func.sum(LINES.c.quantity).label("quantity"),
            func.sum(LINES.c.amount).label("amount"),
        )
        .join(LINES, LINES.c.order_id == col(Order.id))
        .where(col(Order.status) == OrderStatus.delivered)
        .group_by(
            col(Order.buyer_id),
            col(Order.buyer_type),
            col(Order.dealer_id),
            LINES.c.product_id,
            col(Order.delivered_on),
        )
        .order_by(col(Order.delivered_on), col(Order.buyer_id), LINES.c.product_id)
    )
    stmt = where_equal(partners_own(stmt, Order, caller), Order, filters)
    if product_id is not None:
        stmt = stmt.where(LINES.c.product_id == product_id)
    if day_from is not None:
        stmt = stmt.where(col(Order.delivered_on) >= day_from)
    if day_to is not None:
        stmt = stmt.where(col(Order.delivered_on) <= day_to)
    return list((await session.execute(stmt.limit(limit + 1).offset(offset))).all())
