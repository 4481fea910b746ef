"""Payments against orders, and the receivables they leave: open balance, ageing, overdue.

A payment locks the orders it names (in id order, so two payments can't deadlock) and may not
exceed what is open on each; a delivery or another payment racing it waits for the lock and
sees its result. Only the party that is owed records a payment: the manufacturer's staff and
systems for anyone, a partner for its own outlets (not for what its dealer pays the
manufacturer)."""

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, FieldError, Forbidden, NotFound, Unprocessable, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import page
from services.dealers.models import LocationType, Order, Payment, PaymentAllocation, tables
from services.dealers.orders.credit import OWING, open_amount
from services.dealers.orders.service import buyer_of, columns
from services.dealers.partners import partners_own
from services.dealers.payments.schemas import AllocationPublic, PaymentCreate, PaymentPublic
from services.dealers.unique import check_unique

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
        elif part.amount > open_amount(order.total_amount, order.paid_amount):
            open_ = open_amount(order.total_amount, order.paid_amount)
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
    event = public(payment, allocations).model_dump(mode="json")
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
    if order_id is not None:
        paying = select(col(PaymentAllocation.payment_id)).where(
            col(PaymentAllocation.order_id) == order_id
        )
        stmt = stmt.where(col(Payment.id).in_(paying))
    if paid_from is not None:
        stmt = stmt.where(col(Payment.paid_on) >= paid_from)
    if paid_to is not None:
        stmt = stmt.where(col(Payment.paid_on) <= paid_to)
    return await page(session, Payment, filters, limit=limit, cursor=cursor, stmt=stmt)
