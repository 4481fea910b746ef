"""Receivables per customer: what it owes on delivered orders, what it has committed to on open
ones, the credit left, the ageing of what it owes and its overdue orders, as the books stand or
as they stood at the end of a day (`as_of`, UTC): then only orders submitted by that day count,
delivered by it to be owed, not cancelled by it to be open, less what was paid by it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import NotFound
from chassis.identity import Principal
from chassis.pagination import decode_cursor
from chassis.queries import split_page
from services.dealers.fields import CENT
from services.dealers.models import LocationType, Order, OrderStatus, Payment, PaymentAllocation
from services.dealers.orders.credit import (
    OWING,
    available,
    credit_limit,
    credit_limits,
    open_amount,
    unpaid,
)
from services.dealers.orders.service import buyer_of
from services.dealers.partners import partners_own
from services.dealers.payments.schemas import Ageing, OpenOrder, Receivable, ReceivableDetail

ZERO = Decimal("0.00")


def today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Books:
    """The orders as the books stand (`as_of` None) or stood at the end of the day `as_of`."""

    as_of: date | None

    @property
    def day(self) -> date:
        """The day ageing and lateness are counted to."""
        return self.as_of or today()

    def paid(self) -> Any:
        """What was paid on each order (by `as_of`: the allocations of payments made by then)."""
        if self.as_of is None:
            return col(Order.paid_amount)
        paid = (
            select(func.coalesce(func.sum(col(PaymentAllocation.amount)), 0))
            .join(Payment, col(Payment.id) == col(PaymentAllocation.payment_id))
            .where(
                col(PaymentAllocation.order_id) == col(Order.id),
                col(Payment.paid_on) <= self.as_of,
            )
            .correlate(Order)
            .scalar_subquery()
        )
        return paid

    def committed(self) -> list[ColumnElement[bool]]:
        """The order was owed or open: by `as_of`, submitted and not cancelled."""
        if self.as_of is None:
            return [col(Order.status).in_(OWING)]
        end = datetime.combine(self.as_of + timedelta(days=1), time(0), UTC)
        cancelled = col(Order.cancelled_at)
        return [col(Order.submitted_at) < end, or_(cancelled.is_(None), cancelled >= end)]

    def delivered(self) -> ColumnElement[bool]:
        on = col(Order.delivered_on)
        return on.is_not(None) & (on <= self.as_of if self.as_of is not None else true())

    def was_delivered(self, order: Order) -> bool:
        on = order.delivered_on
        return on is not None and (self.as_of is None or on <= self.as_of)

    def owing(self, caller: Principal) -> Select[Any]:
        """(order, paid) of every order with something unpaid, as the caller may see them."""
        paid = self.paid()
        stmt = select(Order, paid.label("paid")).where(*self.committed(), unpaid(paid) > 0)
        return partners_own(stmt, Order, caller)


async def receivables(
    session: AsyncSession,
    *,
    caller: Principal,
    as_of: date | None,
    limit: int,
    cursor: str | None,
    dealer_id: UUID | None = None,
    customer_type: LocationType | None = None,
    overdue: bool | None = None,
) -> tuple[list[Receivable], str | None]:
    """One entry per customer with something unpaid, in customer id order."""
    books = Books(as_of)
    owing = books.owing(caller)
    if dealer_id is not None:
        owing = owing.where(col(Order.dealer_id) == dealer_id)
    if customer_type is not None:
        owing = owing.where(col(Order.buyer_type) == customer_type.value)
    buyer = col(Order.buyer_id)
    customers = owing.with_only_columns(buyer).distinct()
    late = books.delivered() & (col(Order.due_on) < books.day)
    if overdue is True:
        customers = customers.where(late)
    elif overdue is False:
        customers = customers.where(buyer.not_in(owing.with_only_columns(buyer).where(late)))
    if cursor:
        customers = customers.where(buyer > decode_cursor(cursor))
    found = (await session.scalars(customers.order_by(buyer).limit(limit + 1))).all()
    ids, next_cursor = split_page(found, limit, lambda id_: id_)
    by_customer: dict[UUID, list[tuple[Order, Decimal]]] = {}
    for order, paid in (await session.execute(owing.where(buyer.in_(ids)))).all():
        by_customer.setdefault(order.buyer_id, []).append((order, _money(paid)))
    limits = await credit_limits(session, ids)
    items = [
        _receivable(_customer(rows[0][0]), rows, limits.get(c), books)[0]
        for c in ids
        if (rows := by_customer.get(c))
    ]
    return items, next_cursor


async def receivable(
    session: AsyncSession, customer_id: UUID, *, caller: Principal, as_of: date | None
) -> ReceivableDetail:
    buyer = await buyer_of(session, customer_id, caller)
    if buyer is None:
        raise NotFound(f"Customer {customer_id} is not a known dealer or outlet.")
    books = Books(as_of)
    stmt = books.owing(caller).where(col(Order.buyer_id) == customer_id)
    rows = [(order, _money(paid)) for order, paid in (await session.execute(stmt)).all()]
    who = Customer(buyer.id, buyer.type.value, buyer.seller_id, buyer.dealer_id)
    limit = await credit_limit(session, buyer.id)
    summary, late = _receivable(who, rows, limit, books)
    return ReceivableDetail.model_validate(summary.model_dump() | {"overdue": late})


def _money(value: Any) -> Decimal:
    return Decimal(value).quantize(CENT)


@dataclass(frozen=True)
class Customer:
    id: UUID
    type: str
    seller_id: UUID | None
    dealer_id: UUID


def _customer(order: Order) -> Customer:
    return Customer(order.buyer_id, order.buyer_type, order.seller_id, order.dealer_id)


def _bucket(age: int) -> int:
    return 0 if age <= 30 else 1 if age <= 60 else 2 if age <= 90 else 3


def _receivable(
    who: Customer, rows: list[tuple[Order, Decimal]], limit: Decimal | None, books: Books
) -> tuple[Receivable, list[OpenOrder]]:
    buckets = [ZERO, ZERO, ZERO, ZERO]
    balance = committed = late_amount = ZERO
    late: list[OpenOrder] = []
    day = books.day
    for order, paid in rows:
        open_ = open_amount(order.total_amount, paid)
        if not books.was_delivered(order):
            committed += open_
            continue
        balance += open_
        assert order.delivered_on is not None
        buckets[_bucket(max((day - order.delivered_on).days, 0))] += open_
        if order.due_on is not None and order.due_on < day:
            late_amount += open_
            late.append(_open_order(order, paid, day))
    late.sort(key=lambda o: (o.due_on, o.order_id))
    summary = Receivable(
        customer_id=who.id,
        customer_type=who.type,
        seller_id=who.seller_id,
        dealer_id=who.dealer_id,
        as_of=day,
        credit_limit=limit,
        open_balance=balance.quantize(CENT),
        open_orders=committed.quantize(CENT),
        available_credit=None if limit is None else available(limit, balance, committed),
        ageing=Ageing(
            days_0_30=buckets[0], days_31_60=buckets[1], days_61_90=buckets[2], over_90=buckets[3]
        ),
        overdue_amount=late_amount.quantize(CENT),
        overdue_orders=len(late),
    )
    return summary, late


def _open_order(order: Order, paid: Decimal, day: date) -> OpenOrder:
    assert order.delivered_on is not None and order.due_on is not None
    return OpenOrder(
        order_id=order.id,
        code=order.code,
        status=OrderStatus.delivered,
        delivered_on=order.delivered_on,
        due_on=order.due_on,
        days_overdue=max((day - order.due_on).days, 0),
        total_amount=order.total_amount,
        paid_amount=paid,
        open_amount=open_amount(order.total_amount, paid),
    )
