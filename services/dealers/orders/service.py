"""Replenishment orders: who buys from whom, placing a draft from free lines or from proposals,
changing a draft, reading; the moves are in `lifecycle`, what they owe in `credit`."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, NotFound, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, no_nulls, page
from services.dealers.models import (
    Dealer,
    LocationType,
    Order,
    OrderKind,
    OrderLine,
    OrderStatus,
    OrderTransition,
    Outlet,
    OutletStatus,
    tables,
)
from services.dealers.orders.credit import open_amount
from services.dealers.orders.lines import (
    LINES,
    lines_of,
    priced_lines,
    proposal_lines,
    total,
    write_lines,
)
from services.dealers.orders.schemas import (
    OrderCreate,
    OrderLinePublic,
    OrderPublic,
    OrderSummary,
    OrderUpdate,
)
from services.dealers.partners import partners_own
from services.dealers.unique import check_unique


@dataclass(frozen=True)
class Buyer:
    id: UUID
    type: LocationType
    kind: OrderKind
    seller_id: UUID | None
    dealer_id: UUID
    region_id: UUID
    closed: bool = False


async def buyer_of(session: AsyncSession, buyer_id: UUID, caller: Principal) -> Buyer | None:
    """The buyer `buyer_id` names (a dealer or an outlet), if the caller may act for it."""
    outlet = await session.get(Outlet, buyer_id)
    if outlet is not None:
        found = Buyer(
            outlet.id,
            LocationType.outlet,
            OrderKind.dealer_outlet,
            outlet.dealer_id,
            outlet.dealer_id,
            outlet.region_id,
            outlet.status == OutletStatus.closed,
        )
    else:
        dealer = await session.get(Dealer, buyer_id)
        if dealer is None:
            return None
        found = Buyer(
            dealer.id,
            LocationType.dealer,
            OrderKind.manufacturer_dealer,
            None,
            dealer.id,
            dealer.region_id,
        )
    return found if caller.can_act_for(found.dealer_id) else None


def columns(record: Any) -> dict[str, Any]:
    """A row's column values (a table model's `model_dump` warns on enums read back as text)."""
    return {c.key: getattr(record, c.key) for c in record.__table__.columns}


def summary(order: Order) -> OrderSummary:
    data = columns(order) | {"open_amount": open_amount(order.total_amount, order.paid_amount)}
    return OrderSummary.model_validate(data)


def public(order: Order, lines: list[OrderLine]) -> OrderPublic:
    data = columns(order) | {
        "open_amount": open_amount(order.total_amount, order.paid_amount),
        "lines": [OrderLinePublic.model_validate(line) for line in lines],
    }
    return OrderPublic.model_validate(data)


# Clocks differ: a time a little ahead of ours (the request type allows five minutes) is now.
def when(at: datetime | None) -> datetime:
    now = datetime.now(UTC)
    return now if at is None else min(at.astimezone(UTC), now)


async def create(
    session: AsyncSession, data: OrderCreate, *, caller: Principal
) -> tuple[Order, list[OrderLine]]:
    buyer = await buyer_of(session, data.buyer_id, caller)
    if buyer is None:
        raise field_error("#/buyer_id", "is not a known dealer or outlet")
    if buyer.closed:
        raise field_error("#/buyer_id", "is a closed outlet: it takes no orders")
    await check_unique(session, Order, {"code": data.code}, None, ("code",), "order")
    if data.lines is not None:
        rows = await priced_lines(session, data.lines)
    else:
        assert data.proposal_ids is not None
        rows = await proposal_lines(session, data.proposal_ids, buyer.id, caller)
    order = Order(
        code=data.code,
        kind=buyer.kind,
        buyer_id=buyer.id,
        buyer_type=buyer.type.value,
        seller_id=buyer.seller_id,
        dealer_id=buyer.dealer_id,
        region_id=buyer.region_id,
        status=OrderStatus.draft,
        total_amount=total(rows),
        payment_terms_days=data.payment_terms_days,
        note=data.note,
        created_by=caller.subject,
    )
    session.add(order)
    await session.flush()
    await write_lines(session, order, rows)
    placed = when(data.placed_at)
    session.add(
        OrderTransition(
            order_id=order.id, to_status=OrderStatus.draft, actor=caller.subject, at=placed
        )
    )
    await session.flush()
    lines = await lines_of(session, order.id)
    await emit_order(session, "order.created", order, lines, caller)
    return order, lines


async def get(
    session: AsyncSession, order_id: UUID, *, caller: Principal, lock: bool = False
) -> Order:
    """The order, locked for the rest of the transaction when `lock` (on PostgreSQL; SQLite runs
    one writer at a time), so that racing moves and payments see each other's result."""
    stmt = partners_own(select(Order).where(col(Order.id) == order_id), Order, caller)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    order = await session.scalar(stmt)
    if order is None:
        raise NotFound(f"Order {order_id} does not exist.")
    return order


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    product_id: UUID | None = None,
    **filters: Any,
) -> tuple[list[Order], str | None]:
    stmt = partners_own(select(Order), Order, caller)
    if product_id is not None:
        having = select(LINES.c.order_id).where(LINES.c.product_id == product_id)
        stmt = stmt.where(col(Order.id).in_(having))
    return await page(session, Order, filters, limit=limit, cursor=cursor, stmt=stmt)


async def update_draft(
    session: AsyncSession, order: Order, data: OrderUpdate, *, caller: Principal
) -> list[OrderLine]:
    if order.status != OrderStatus.draft:
        raise Conflict(f"Order {order.id} is {order.status}: only a draft changes.")
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("payment_terms_days", "lines"))
    if changes.get("code") is not None:
        await check_unique(session, Order, changes, order.id, ("code",), "order")
    if data.lines is not None:
        rows = await priced_lines(session, data.lines)
        await write_lines(session, order, rows)
        order.total_amount = total(rows)
    apply_changes(order, {k: v for k, v in changes.items() if k != "lines"})
    await session.flush()
    lines = await lines_of(session, order.id)
    await emit_order(session, "order.updated", order, lines, caller)
    return lines


async def emit_order(
    session: AsyncSession, type_: str, order: Order, lines: list[OrderLine], caller: Principal
) -> None:
    data = public(order, lines).model_dump(mode="json") | {"actor": caller.subject}
    await emit(session, tables.outbox, type_, data, dealer_ids=[order.dealer_id])
