"""An order's lines: priced from free input (list price unless given) or from the buyer's
replenishment proposals, one per product, numbered and written together."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.db import new_id
from chassis.errors import FieldError, Unprocessable
from chassis.identity import Principal
from services.dealers.fields import CENT
from services.dealers.models import Order, OrderLine, Product, ReplenishmentProposal
from services.dealers.orders.schemas import OrderLineIn

LINES: Table = OrderLine.__table__  # type: ignore[attr-defined]


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


async def priced_lines(
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


async def proposal_lines(
    session: AsyncSession, ids: list[UUID], buyer_id: UUID, caller: Principal
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
        elif proposal.location_id != buyer_id:
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


async def write_lines(session: AsyncSession, order: Order, rows: list[dict[str, Any]]) -> None:
    """Replace the order's lines with `rows`, numbered from 1."""
    await session.execute(delete(LINES).where(LINES.c.order_id == order.id))
    numbered = [
        row | {"id": new_id(), "order_id": order.id, "line_no": n}
        for n, row in enumerate(rows, start=1)
    ]
    await session.execute(insert(LINES), numbered)


def total(rows: list[dict[str, Any]]) -> Decimal:
    return sum((row["amount"] for row in rows), Decimal("0.00"))
