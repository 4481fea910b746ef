"""Payments against orders, and the receivables they leave: open balance, ageing, overdue.

A payment locks the orders it names (in id order, so two payments can't deadlock) and may not
exceed what is open on each; a delivery or another payment racing it waits for the lock and
sees its result. Only the party that is owed records a payment: the manufacturer's staff and
systems for anyone, a partner for its own outlets (not for what its dealer pays the
manufacturer)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, FieldError, Forbidden, NotFound, Unprocessable, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.pagination import decode_cursor, encode_cursor, paginate
from services.dealers.common import CENT, check_unique, jsonable, partners_own
from services.dealers.models import (
    Dealer,
    LocationType,
    Order,
    OrderStatus,
    Outlet,
    Payment,
    PaymentAllocation,
    tables,
)
from services.dealers.orders.service import OWING, buyer_of, columns
from services.dealers.payments.schemas import (
    Ageing,
    AllocationPublic,
    OpenOrder,
    PaymentCreate,
    PaymentPublic,
    Receivable,
    ReceivableDetail,
)

ZERO = Decimal("0.00")
PAYABLE = OWING  # submitted, confirmed, shipped, delivered: not a draft, not cancelled


def public(payment: Payment, allocations: list[PaymentAllocation]) -> PaymentPublic:
    data = columns(payment) | {
        "allocations": [AllocationPublic.model_validate(a) for a in allocations]
    }
    return PaymentPublic.model_validate(data)


async def create(
    session: AsyncSession, data: PaymentCreate, *, caller: Principal
) -> tuple[Payment, list[PaymentAllocation]]:
    payer = await buyer_of(session, data.payer_id, caller)
    if payer is None:
        raise field_error("#/payer_id", "is not a known dealer or outlet")
    if caller.is_partner and payer.type == LocationType.dealer:
        raise Forbidden("The manufacturer records what a dealer pays it.")
    if data.amount <= 0:
        raise field_error("#/amount", "must be more than zero")
    if data.paid_on > today() + timedelta(days=1):  # a day of time zones, not a promise
        raise field_error("#/paid_on", "is in the future")
    errors: list[FieldError] = []
    seen: dict[UUID, int] = {}
    for index, part in enumerate(data.allocations):
        if part.amount <= 0:
            errors.append(FieldError(f"#/allocations/{index}/amount", "must be more than zero"))
        if part.order_id in seen:
            detail = f"repeats allocation {seen[part.order_id]}"
            errors.append(FieldError(f"#/allocations/{index}/order_id", detail))
        seen.setdefault(part.order_id, index)
    total = sum((part.amount for part in data.allocations), ZERO)
    if not errors and total != data.amount:
        detail = f"add up to {total:.2f}, not the amount {data.amount:.2f}"
        errors.append(FieldError("#/allocations", detail))
    if errors:
        raise Unprocessable("The payment's allocations are invalid.", errors=errors)
    await check_unique(session, Payment, {"code": data.code}, None, ("code",), "payment")
    orders = await _locked(session, seen)
    conflicts: list[FieldError] = []
    for index, part in enumerate(data.allocations):
        pointer = f"#/allocations/{index}"
        order = orders.get(part.order_id)
        if order is None or not caller.can_act_for(order.dealer_id):
            errors.append(FieldError(f"{pointer}/order_id", "is not a known order"))
        elif order.buyer_id != payer.id:
            errors.append(FieldError(f"{pointer}/order_id", "is not an order of the payer"))
        elif order.status not in PAYABLE:
            conflicts.append(FieldError(f"{pointer}/order_id", f"is {order.status}: not payable"))
        elif part.amount > order.total_amount - order.paid_amount:
            open_ = order.total_amount - order.paid_amount
            detail = f"exceeds the {open_:.2f} open on order {order.id}"
            conflicts.append(FieldError(f"{pointer}/amount", detail))
    if errors:
        raise Unprocessable("The payment names orders it can't pay.", errors=errors)
    if conflicts:
        raise Conflict("The payment exceeds what is open on its orders.", errors=conflicts)
    payment = Payment(
        code=data.code,
        payer_id=payer.id,
        payer_type=payer.type.value,
        payee_id=payer.seller_id,
        dealer_id=payer.dealer_id,
        amount=data.amount,
        method=data.method,
        paid_on=data.paid_on,
        note=data.note,
        created_by=caller.subject,
    )
    session.add(payment)
    await session.flush()
    allocations = [
        PaymentAllocation(payment_id=payment.id, order_id=part.order_id, amount=part.amount)
        for part in data.allocations
    ]
    now = datetime.now(UTC)
    for part in data.allocations:
        order = orders[part.order_id]
        order.paid_amount = order.paid_amount + part.amount
        order.updated_at = now
    session.add_all(allocations)
    await session.flush()
    event = jsonable(public(payment, allocations).model_dump(mode="json"))
    await emit(session, tables.outbox, "payment.received", event, dealer_ids=[payer.dealer_id])
    return payment, allocations


async def _locked(session: AsyncSession, ids: Iterable[UUID]) -> dict[UUID, Order]:
    stmt = (
        select(Order)
        .where(col(Order.id).in_(list(ids)))
        .order_by(col(Order.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {o.id: o for o in (await session.scalars(stmt)).all()}


async def get(session: AsyncSession, payment_id: UUID, *, caller: Principal) -> PaymentPublic:
    stmt = partners_own(select(Payment).where(col(Payment.id) == payment_id), Payment, caller)
    payment = await session.scalar(stmt)
    if payment is None:
        raise NotFound(f"Payment {payment_id} does not exist.")
    parts = select(PaymentAllocation).where(col(PaymentAllocation.payment_id) == payment_id)
    return public(payment, list((await session.scalars(parts)).all()))


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    order_id: UUID | None = None,
    paid_from: date | None = None,
    paid_to: date | None = None,
    **filters: Any,
) -> tuple[list[Payment], str | None]:
    stmt = partners_own(select(Payment), Payment, caller)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(Payment, name) == value)
    if order_id is not None:
        paying = select(col(PaymentAllocation.payment_id)).where(
            col(PaymentAllocation.order_id) == order_id
        )
        stmt = stmt.where(col(Payment.id).in_(paying))
    if paid_from is not None:
        stmt = stmt.where(col(Payment.paid_on) >= paid_from)
    if paid_to is not None:
        stmt = stmt.where(col(Payment.paid_on) <= paid_to)
    return await paginate(session, stmt, col(Payment.id), limit=limit, cursor=cursor)


# receivables


def _owing(caller: Principal) -> Select[Any]:
    stmt = select(Order).where(
        col(Order.status).in_(OWING), col(Order.total_amount) > col(Order.paid_amount)
    )
    return partners_own(stmt, Order, caller)


async def receivables(
    session: AsyncSession,
    *,
    caller: Principal,
    as_of: date,
    limit: int,
    cursor: str | None,
    dealer_id: UUID | None = None,
    customer_type: LocationType | None = None,
    overdue: bool | None = None,
) -> tuple[list[Receivable], str | None]:
    """One entry per customer with something unpaid, in customer id order."""
    owing = _owing(caller)
    if dealer_id is not None:
        owing = owing.where(col(Order.dealer_id) == dealer_id)
    if customer_type is not None:
        owing = owing.where(col(Order.buyer_type) == customer_type.value)
    customers = owing.with_only_columns(col(Order.buyer_id)).distinct()
    late = (col(Order.status) == OrderStatus.delivered) & (col(Order.due_on) < as_of)
    if overdue is True:
        customers = customers.where(late)
    elif overdue is False:
        behind = owing.with_only_columns(col(Order.buyer_id)).where(late)
        customers = customers.where(col(Order.buyer_id).not_in(behind))
    if cursor:
        customers = customers.where(col(Order.buyer_id) > decode_cursor(cursor))
    ids = list(
        (await session.scalars(customers.order_by(col(Order.buyer_id)).limit(limit + 1))).all()
    )
    next_cursor = encode_cursor(ids[limit - 1]) if len(ids) > limit else None
    ids = ids[:limit]
    orders = (await session.scalars(owing.where(col(Order.buyer_id).in_(ids)))).all()
    by_customer: dict[UUID, list[Order]] = {}
    for order in orders:
        by_customer.setdefault(order.buyer_id, []).append(order)
    limits = await _credit_limits(session, ids)
    items = [
        _receivable(_customer(by_customer[c][0]), by_customer[c], limits.get(c), as_of)[0]
        for c in ids
        if c in by_customer
    ]
    return items, next_cursor


async def receivable(
    session: AsyncSession, customer_id: UUID, *, caller: Principal, as_of: date
) -> ReceivableDetail:
    buyer = await buyer_of(session, customer_id, caller)
    if buyer is None:
        raise NotFound(f"Customer {customer_id} is not a known dealer or outlet.")
    stmt = _owing(caller).where(col(Order.buyer_id) == customer_id)
    orders = list((await session.scalars(stmt)).all())
    who = Customer(buyer.id, buyer.type.value, buyer.seller_id, buyer.dealer_id)
    summary, late = _receivable(who, orders, buyer.credit_limit, as_of)
    return ReceivableDetail.model_validate(summary.model_dump() | {"overdue": late})


async def _credit_limits(session: AsyncSession, ids: list[UUID]) -> dict[UUID, Decimal | None]:
    if not ids:
        return {}
    outlets = select(col(Outlet.id), col(Outlet.credit_limit)).where(col(Outlet.id).in_(ids))
    dealers = select(col(Dealer.id), col(Dealer.credit_limit)).where(col(Dealer.id).in_(ids))
    found: dict[UUID, Decimal | None] = {}
    for stmt in (outlets, dealers):
        found.update({id_: limit for id_, limit in (await session.execute(stmt)).all()})
    return found


@dataclass(frozen=True)
class Customer:
    id: UUID
    type: str
    seller_id: UUID | None
    dealer_id: UUID


def _customer(order: Order) -> Customer:
    return Customer(order.buyer_id, order.buyer_type, order.seller_id, order.dealer_id)


def _receivable(
    who: Customer, orders: list[Order], limit: Decimal | None, as_of: date
) -> tuple[Receivable, list[OpenOrder]]:
    buckets = [ZERO, ZERO, ZERO, ZERO]
    balance = committed = late_amount = ZERO
    late: list[OpenOrder] = []
    for order in orders:
        open_ = order.total_amount - order.paid_amount
        if order.status != OrderStatus.delivered:
            committed += open_
            continue
        balance += open_
        assert order.delivered_on is not None
        age = max((as_of - order.delivered_on).days, 0)
        buckets[0 if age <= 30 else 1 if age <= 60 else 2 if age <= 90 else 3] += open_
        if order.due_on is not None and order.due_on < as_of:
            late_amount += open_
            late.append(_open_order(order, as_of))
    late.sort(key=lambda o: (o.due_on, o.order_id))
    summary = Receivable(
        customer_id=who.id,
        customer_type=who.type,
        seller_id=who.seller_id,
        dealer_id=who.dealer_id,
        as_of=as_of,
        credit_limit=limit,
        open_balance=balance.quantize(CENT),
        open_orders=committed.quantize(CENT),
        available_credit=None if limit is None else (limit - balance - committed).quantize(CENT),
        ageing=Ageing(
            days_0_30=buckets[0], days_31_60=buckets[1], days_61_90=buckets[2], over_90=buckets[3]
        ),
        overdue_amount=late_amount.quantize(CENT),
        overdue_orders=len(late),
    )
    return summary, late


def _open_order(order: Order, as_of: date) -> OpenOrder:
    assert order.delivered_on is not None and order.due_on is not None
    return OpenOrder(
        order_id=order.id,
        code=order.code,
        status=OrderStatus(order.status),
        delivered_on=order.delivered_on,
        due_on=order.due_on,
        days_overdue=max((as_of - order.due_on).days, 0),
        total_amount=order.total_amount,
        paid_amount=order.paid_amount,
        open_amount=order.total_amount - order.paid_amount,
    )


def today() -> date:
    return datetime.now(UTC).date()
