"""What a buyer owes and may still order, in one place: an order's open amount (total − paid),
the buyer's credit limit, its exposure (open receivable and open orders) and the credit check of
a submission, whose figures a refusal reports."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.db import serialize
from chassis.errors import Conflict
from services.dealers.fields import CENT
from services.dealers.models import OPEN_STATUSES, Dealer, Order, OrderStatus, Outlet

# Statuses whose unpaid amount the buyer owes (delivered) or has committed to (open).
OWING = (*OPEN_STATUSES, OrderStatus.delivered)
ZERO = Decimal("0.00")


def open_amount(total: Decimal, paid: Decimal) -> Decimal:
    """What is still to pay on an order."""
    return total - paid


def unpaid(paid: Any = None) -> Any:
    """The open amount as a SQL expression, of the order's paid amount or of `paid` (what was
    paid by some day)."""
    return col(Order.total_amount) - (col(Order.paid_amount) if paid is None else paid)


def available(limit: Decimal, receivable: Decimal, committed: Decimal) -> Decimal:
    """The credit left: the limit less the open receivable and the open orders."""
    return (limit - receivable - committed).quantize(CENT)


async def credit_limits(session: AsyncSession, ids: list[UUID]) -> dict[UUID, Decimal | None]:
    """Each buyer's credit limit (a dealer's, or an outlet's, where None: not credit-checked)."""
    if not ids:
        return {}
    outlets = select(col(Outlet.id), col(Outlet.credit_limit)).where(col(Outlet.id).in_(ids))
    dealers = select(col(Dealer.id), col(Dealer.credit_limit)).where(col(Dealer.id).in_(ids))
    found: dict[UUID, Decimal | None] = {}
    for stmt in (outlets, dealers):
        found.update({id_: limit for id_, limit in (await session.execute(stmt)).all()})
    return found


async def credit_limit(session: AsyncSession, buyer_id: UUID) -> Decimal | None:
    return (await credit_limits(session, [buyer_id])).get(buyer_id)


async def exposure(
    session: AsyncSession, buyer_id: UUID, *, exclude: UUID | None = None
) -> tuple[Decimal, Decimal]:
    """What the buyer owes on delivered orders and has committed to on open ones (unpaid parts)."""
    stmt = (
        select(col(Order.status), func.coalesce(func.sum(unpaid()), 0))
        .where(col(Order.buyer_id) == buyer_id, col(Order.status).in_(OWING))
        .group_by(col(Order.status))
    )
    if exclude is not None:
        stmt = stmt.where(col(Order.id) != exclude)
    receivable = committed = ZERO
    for status, amount in (await session.execute(stmt)).all():
        if status == OrderStatus.delivered:
            receivable += Decimal(amount)
        else:
            committed += Decimal(amount)
    return receivable.quantize(CENT), committed.quantize(CENT)


async def check_credit(session: AsyncSession, order: Order) -> None:
    """Open receivable + open orders + this order's value must stay within the credit limit.
    Submissions of one buyer take turns, so that two can't both fit in the same room."""
    await serialize(session, f"credit:{order.buyer_id}")
    limit = await credit_limit(session, order.buyer_id)
    if limit is None:
        return
    receivable, committed = await exposure(session, order.buyer_id, exclude=order.id)
    value = open_amount(order.total_amount, order.paid_amount)
    room = available(limit, receivable, committed)
    if value > room:
        figures = {
            "credit_limit": f"{limit:.2f}",
            "open_receivable": f"{receivable:.2f}",
            "open_orders": f"{committed:.2f}",
            "order_value": f"{value:.2f}",
            "available": f"{room:.2f}",
            "shortfall": f"{value - room:.2f}",
        }
        raise Conflict(
            f"Credit limit exceeded: open receivable {receivable:.2f} + open orders "
            f"{committed:.2f} + this order {value:.2f} > credit limit {limit:.2f}.",
            field="to",
            credit=figures,
        )
