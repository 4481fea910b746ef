"""An order's moves: draft → submitted → confirmed → shipped → delivered, or cancelled before
shipping; each checked (credit on submit, stock on shipment and delivery), stamped, recorded in
the order's history and published.

Who may move an order: the manufacturer's staff and systems may make every move. A partner acts
for its dealers: on an order its dealer places with the manufacturer it may submit, cancel before
confirmation and confirm delivery (receipt), not confirm or ship for the manufacturer; on an
order of one of its outlets (its dealer is the seller) it may make every move."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, Forbidden, field_error
from chassis.etag import check_if_match
from chassis.identity import Principal
from chassis.queries import page
from services.dealers.models import (
    ORDER_MOVES,
    Order,
    OrderKind,
    OrderLine,
    OrderStatus,
    OrderTransition,
)
from services.dealers.orders.credit import check_credit
from services.dealers.orders.lines import lines_of
from services.dealers.orders.schemas import TransitionCreate
from services.dealers.orders.service import emit_order, get, when
from services.dealers.orders.stock_moves import receive, take_from_seller
from services.dealers.transitions import already, not_allowed, not_before

PARTNER_MOVES_ON_MANUFACTURER_ORDERS = frozenset(
    {OrderStatus.submitted, OrderStatus.cancelled, OrderStatus.delivered}
)
_STAMP = {
    OrderStatus.submitted: "submitted_at",
    OrderStatus.confirmed: "confirmed_at",
    OrderStatus.shipped: "shipped_at",
    OrderStatus.delivered: "delivered_at",
    OrderStatus.cancelled: "cancelled_at",
}


def check_move(order: Order, data: TransitionCreate, caller: Principal) -> None:
    """The move is one the lifecycle allows from here, by this caller, with what it needs."""
    current, target = OrderStatus(order.status), data.to
    if target == current:
        raise already(f"Order {order.id}", current)
    if target not in ORDER_MOVES[current]:
        raise not_allowed(f"Order {order.id}", current, target, sorted(ORDER_MOVES[current]))
    if (
        caller.is_partner
        and order.kind == OrderKind.manufacturer_dealer
        and target not in PARTNER_MOVES_ON_MANUFACTURER_ORDERS
    ):
        raise Forbidden(f"Only the manufacturer marks its orders {target}.")
    if target == OrderStatus.cancelled:
        if data.reason is None:
            raise field_error("#/reason", "is required to cancel an order")
        if order.paid_amount > 0:
            raise Conflict(
                f"Order {order.id} has {order.paid_amount:.2f} paid against it: "
                "settle the payment before cancelling.",
                field="to",
            )


async def transition(
    session: AsyncSession,
    order_id: UUID,
    data: TransitionCreate,
    *,
    caller: Principal,
    if_match: str | None = None,
) -> tuple[Order, list[OrderLine]]:
    """One move, under the order's lock: of two racing moves the second sees the first's result.
    `If-Match` is optional here (the lifecycle already refuses a stale move) and checked if sent."""
    order = await get(session, order_id, caller=caller, lock=True)
    if if_match is not None:
        check_if_match(if_match, order.version)
    current, target = OrderStatus(order.status), data.to
    check_move(order, data, caller)
    now = when(data.at)
    previous = await session.scalar(
        select(func.max(col(OrderTransition.at))).where(col(OrderTransition.order_id) == order.id)
    )
    if data.at is not None:
        not_before(now, previous, "#/at", "order")
    lines = await lines_of(session, order.id)
    await _effects(session, order, lines, data, now)
    setattr(order, _STAMP[target], now)
    order.status = target
    order.updated_at = datetime.now(UTC)
    session.add(
        OrderTransition(
            order_id=order.id,
            from_status=current,
            to_status=target,
            reason=data.reason,
            actor=caller.subject,
            at=now,
        )
    )
    await session.flush()
    await emit_order(session, f"order.{target}", order, lines, caller)
    return order, lines


async def _effects(
    session: AsyncSession,
    order: Order,
    lines: list[OrderLine],
    data: TransitionCreate,
    now: datetime,
) -> None:
    """What the move does beyond the status: the credit check, the goods, the due date."""
    late = data.at is not None
    if data.to == OrderStatus.submitted:
        await check_credit(session, order)
    elif data.to == OrderStatus.shipped and order.seller_id is not None:
        await take_from_seller(session, order, lines, now, late=late)
    elif data.to == OrderStatus.delivered:
        await receive(session, order, lines, now, late=late)
        order.delivered_on = now.date()
        order.due_on = order.delivered_on + timedelta(days=order.payment_terms_days)


async def history(
    session: AsyncSession, order_id: UUID, *, limit: int, cursor: str | None
) -> tuple[list[OrderTransition], str | None]:
    return await page(session, OrderTransition, {"order_id": order_id}, limit=limit, cursor=cursor)
