"""Rules of replenishment orders: who buys from whom, lines from free input or from proposals,
the lifecycle with its checks (credit on submit, stock on shipment and delivery), events.

Who may move an order: the manufacturer's staff and systems may make every move. A partner acts
for its dealers: on an order its dealer places with the manufacturer it may submit, cancel before
confirmation and confirm delivery (receipt), not confirm or ship for the manufacturer; on an
order of one of its outlets (its dealer is the seller) it may make every move."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Table, bindparam, case, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.db import new_id, serialize
from chassis.errors import Conflict, FieldError, Forbidden, NotFound, Unprocessable, field_error
from chassis.etag import check_if_match
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.pagination import paginate
from services.dealers.common import CENT, check_unique, dialect_insert, jsonable, partners_own
from services.dealers.models import (
    OPEN_STATUSES,
    ORDER_MOVES,
    Dealer,
    LocationType,
    Order,
    OrderKind,
    OrderLine,
    OrderStatus,
    OrderTransition,
    Outlet,
    OutletStatus,
    Product,
    ReplenishmentProposal,
    StockPosition,
    tables,
)
from services.dealers.orders.schemas import (
    OrderCreate,
    OrderLineIn,
    OrderLinePublic,
    OrderPublic,
    OrderUpdate,
    TransitionCreate,
)

LINES: Table = OrderLine.__table__  # type: ignore[attr-defined]
POSITIONS: Table = StockPosition.__table__  # type: ignore[attr-defined]
# Statuses whose unpaid amount the buyer owes or has committed to.
OWING = (*OPEN_STATUSES, OrderStatus.delivered)
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


@dataclass(frozen=True)
class Buyer:
    id: UUID
    type: LocationType
    kind: OrderKind
    seller_id: UUID | None
    dealer_id: UUID
    region_id: UUID
    credit_limit: Decimal | None  # None: not credit-checked
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
            outlet.credit_limit,
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
            dealer.credit_limit,
        )
    return found if caller.can_act_for(found.dealer_id) else None


def columns(record: Any) -> dict[str, Any]:
    """A row's column values (a table model's `model_dump` warns on enums read back as text)."""
    return {c.key: getattr(record, c.key) for c in record.__table__.columns}


def public(order: Order, lines: list[OrderLine]) -> OrderPublic:
    data = columns(order) | {
        "open_amount": order.total_amount - order.paid_amount,
        "lines": [OrderLinePublic.model_validate(line) for line in lines],
    }
    return OrderPublic.model_validate(data)


async def lines_of(session: AsyncSession, order_id: UUID) -> list[OrderLine]:
    stmt = (
        select(OrderLine)
        .where(col(OrderLine.order_id) == order_id)
        .order_by(col(OrderLine.line_no))
    )
    return list((await session.scalars(stmt)).all())


async def _list_prices(session: AsyncSession, ids: set[UUID]) -> dict[UUID, Decimal]:
    """The list price of each product among `ids` that exists."""
    stmt = select(col(Product.id), col(Product.list_price)).where(col(Product.id).in_(ids))
    return {id_: price for id_, price in (await session.execute(stmt)).all()}


async def _priced_lines(
    session: AsyncSession, items: list[OrderLineIn], pointer: str = "#/lines"
) -> list[dict[str, Any]]:
    prices = await _list_prices(session, {item.product_id for item in items})
    errors: list[FieldError] = []
    seen: dict[UUID, int] = {}
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if item.product_id not in prices:
            errors.append(FieldError(f"{pointer}/{index}/product_id", "is not a known product"))
            continue
        if item.product_id in seen:
            detail = f"repeats line {seen[item.product_id]}: one line per product"
            errors.append(FieldError(f"{pointer}/{index}/product_id", detail))
            continue
        seen[item.product_id] = index
        price = prices[item.product_id] if item.unit_price is None else item.unit_price
        rows.append(_line(item.product_id, item.quantity, price, None))
    if errors:
        raise Unprocessable("Some order lines are invalid.", errors=errors)
    return rows


async def _proposal_lines(
    session: AsyncSession, ids: list[UUID], buyer: Buyer, caller: Principal
) -> list[dict[str, Any]]:
    stmt = select(ReplenishmentProposal).where(col(ReplenishmentProposal.id).in_(set(ids)))
    found = {p.id: p for p in (await session.scalars(stmt)).all()}
    prices = await _list_prices(session, {p.product_id for p in found.values()})
    errors: list[FieldError] = []
    seen: dict[UUID, int] = {}
    rows: list[dict[str, Any]] = []
    for index, id_ in enumerate(ids):
        pointer = f"#/proposal_ids/{index}"
        proposal = found.get(id_)
        if proposal is None or not caller.can_act_for(proposal.dealer_id):
            errors.append(FieldError(pointer, "is not a known proposal"))
        elif proposal.location_id != buyer.id:
            errors.append(FieldError(pointer, "is a proposal for another location"))
        elif proposal.proposed_quantity <= 0:
            errors.append(FieldError(pointer, "proposes no quantity"))
        elif proposal.product_id in seen:
            errors.append(FieldError(pointer, f"repeats the product of item {seen[id_]}"))
        elif proposal.product_id not in prices:
            errors.append(FieldError(pointer, "is for a product that no longer exists"))
        else:
            seen[proposal.product_id] = index
            price = prices[proposal.product_id]
            rows.append(_line(proposal.product_id, proposal.proposed_quantity, price, id_))
    if errors:
        raise Unprocessable("Some proposals can't become order lines.", errors=errors)
    return rows


def _line(product_id: UUID, quantity: int, price: Decimal, proposal: UUID | None) -> dict[str, Any]:
    return {
        "product_id": product_id,
        "quantity": quantity,
        "unit_price": price,
        "amount": (price * quantity).quantize(CENT),
        "proposal_id": proposal,
    }


async def _write_lines(session: AsyncSession, order: Order, rows: list[dict[str, Any]]) -> None:
    await session.execute(delete(LINES).where(LINES.c.order_id == order.id))
    numbered = [
        row | {"id": new_id(), "order_id": order.id, "line_no": n}
        for n, row in enumerate(rows, start=1)
    ]
    await session.execute(insert(LINES), numbered)


def _total(rows: list[dict[str, Any]]) -> Decimal:
    return sum((row["amount"] for row in rows), Decimal("0.00"))


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
        rows = await _priced_lines(session, data.lines)
    else:
        assert data.proposal_ids is not None
        rows = await _proposal_lines(session, data.proposal_ids, buyer, caller)
    order = Order(
        code=data.code,
        kind=buyer.kind,
        buyer_id=buyer.id,
        buyer_type=buyer.type.value,
        seller_id=buyer.seller_id,
        dealer_id=buyer.dealer_id,
        region_id=buyer.region_id,
        status=OrderStatus.draft,
        total_amount=_total(rows),
        payment_terms_days=data.payment_terms_days,
        note=data.note,
        created_by=caller.subject,
    )
    session.add(order)
    await session.flush()
    await _write_lines(session, order, rows)
    placed = _when(data.placed_at, "#/placed_at")
    session.add(
        OrderTransition(
            order_id=order.id, to_status=OrderStatus.draft, actor=caller.subject, at=placed
        )
    )
    await session.flush()
    lines = await lines_of(session, order.id)
    await _emit(session, "order.created", order, lines, caller)
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
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(Order, name) == value)
    if product_id is not None:
        having = select(LINES.c.order_id).where(LINES.c.product_id == product_id)
        stmt = stmt.where(col(Order.id).in_(having))
    return await paginate(session, stmt, col(Order.id), limit=limit, cursor=cursor)


async def update_draft(
    session: AsyncSession, order: Order, data: OrderUpdate, *, caller: Principal
) -> list[OrderLine]:
    if order.status != OrderStatus.draft:
        raise Conflict(f"Order {order.id} is {order.status}: only a draft changes.")
    changes = data.model_dump(exclude_unset=True)
    for name in ("payment_terms_days", "lines"):
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")
    if changes.get("code") is not None:
        await check_unique(session, Order, changes, order.id, ("code",), "order")
    if data.lines is not None:
        rows = await _priced_lines(session, data.lines)
        await _write_lines(session, order, rows)
        order.total_amount = _total(rows)
    for name in ("code", "payment_terms_days", "note"):
        if name in changes:
            setattr(order, name, changes[name])
    order.updated_at = datetime.now(UTC)
    await session.flush()
    lines = await lines_of(session, order.id)
    await _emit(session, "order.updated", order, lines, caller)
    return lines


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
    current, target = OrderStatus(order.status), data.status
    if target == current:
        raise Conflict(f"Order {order.id} is already {current}.", field="status")
    if target not in ORDER_MOVES[current]:
        allowed = ", ".join(sorted(ORDER_MOVES[current])) or "none"
        raise Conflict(
            f"Order {order.id} is {current}: it can't become {target} (next: {allowed}).",
            field="status",
        )
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
                field="status",
            )
    now = _when(data.at, "#/at")
    previous = await session.scalar(
        select(func.max(col(OrderTransition.at))).where(col(OrderTransition.order_id) == order.id)
    )
    if data.at is not None and previous is not None and now < previous:
        raise field_error("#/at", f"is before the order's previous move ({previous.isoformat()})")
    lines = await lines_of(session, order.id)
    if target == OrderStatus.submitted:
        await check_credit(session, order)
    elif target == OrderStatus.shipped and order.seller_id is not None:
        await _take_from_seller(session, order, lines, now, late=data.at is not None)
    elif target == OrderStatus.delivered:
        await _receive(session, order, lines, now, late=data.at is not None)
        order.delivered_on = now.date()
        order.due_on = order.delivered_on + timedelta(days=order.payment_terms_days)
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
    await _emit(session, f"order.{target}", order, lines, caller)
    return order, lines


# Clocks differ: a time a little ahead of ours is taken as now, not refused.
CLOCK_SKEW = timedelta(minutes=5)


def _when(at: datetime | None, pointer: str) -> datetime:
    now = datetime.now(UTC)
    if at is None:
        return now
    if at > now + CLOCK_SKEW:
        raise field_error(pointer, "is in the future")
    return min(at.astimezone(UTC), now)


async def exposure(
    session: AsyncSession, buyer_id: UUID, *, exclude: UUID | None = None
) -> tuple[Decimal, Decimal]:
    """What the buyer owes on delivered orders and has committed to on open ones (unpaid parts)."""
    unpaid = func.coalesce(func.sum(col(Order.total_amount) - col(Order.paid_amount)), 0)
    stmt = (
        select(col(Order.status), unpaid)
        .where(col(Order.buyer_id) == buyer_id, col(Order.status).in_(OWING))
        .group_by(col(Order.status))
    )
    if exclude is not None:
        stmt = stmt.where(col(Order.id) != exclude)
    receivable = committed = Decimal("0.00")
    for status_, amount in (await session.execute(stmt)).all():
        if status_ == OrderStatus.delivered:
            receivable += Decimal(amount)
        else:
            committed += Decimal(amount)
    return receivable.quantize(CENT), committed.quantize(CENT)


async def check_credit(session: AsyncSession, order: Order) -> None:
    """Open receivable + open orders + this order's value must stay within the credit limit.
    Submissions of one buyer take turns, so that two can't both fit in the same room."""
    await serialize(session, f"credit:{order.buyer_id}")
    if order.buyer_type == LocationType.outlet:
        limit = await session.scalar(
            select(col(Outlet.credit_limit)).where(col(Outlet.id) == order.buyer_id)
        )
    else:
        limit = await session.scalar(
            select(col(Dealer.credit_limit)).where(col(Dealer.id) == order.buyer_id)
        )
    if limit is None:
        return
    receivable, committed = await exposure(session, order.buyer_id, exclude=order.id)
    value = order.total_amount - order.paid_amount
    available = limit - receivable - committed
    if value > available:
        figures = {
            "credit_limit": f"{limit:.2f}",
            "open_receivable": f"{receivable:.2f}",
            "open_orders": f"{committed:.2f}",
            "order_value": f"{value:.2f}",
            "available": f"{available:.2f}",
            "shortfall": f"{value - available:.2f}",
        }
        raise Conflict(
            f"Credit limit exceeded: open receivable {receivable:.2f} + open orders "
            f"{committed:.2f} + this order {value:.2f} > credit limit {limit:.2f}.",
            field="status",
            credit=figures,
        )


async def _receive(
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
        # in key order, as stock reports write positions: racing writers wait, never deadlock
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


async def _take_from_seller(
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
    # one statement for all lines, in key order (as stock reports write positions)
    params = [
        {"b_product": line.product_id, "b_quantity": line.quantity}
        for line in sorted(lines, key=lambda line: line.product_id)
    ]
    await session.execute(stmt, params)


async def history(
    session: AsyncSession, order_id: UUID, *, limit: int, cursor: str | None
) -> tuple[list[OrderTransition], str | None]:
    stmt = select(OrderTransition).where(col(OrderTransition.order_id) == order_id)
    return await paginate(session, stmt, col(OrderTransition.id), limit=limit, cursor=cursor)


async def _emit(
    session: AsyncSession, type_: str, order: Order, lines: list[OrderLine], caller: Principal
) -> None:
    data = jsonable(public(order, lines).model_dump(mode="json")) | {"actor": caller.subject}
    await emit(session, tables.outbox, type_, data, dealer_ids=[order.dealer_id])


async def sell_in(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    offset: int,
    day_from: date | None = None,
    day_to: date | None = None,
    **filters: Any,
) -> list[Any]:
    """Delivered quantities and amounts per receiving location × product × day of delivery."""
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
    stmt = partners_own(stmt, Order, caller)
    for name, value in filters.items():
        if value is not None:
            column = LINES.c.product_id if name == "product_id" else getattr(Order, name)
            stmt = stmt.where(column == value)
    if day_from is not None:
        stmt = stmt.where(col(Order.delivered_on) >= day_from)
    if day_to is not None:
        stmt = stmt.where(col(Order.delivered_on) <= day_to)
    return list((await session.execute(stmt.limit(limit + 1).offset(offset))).all())
