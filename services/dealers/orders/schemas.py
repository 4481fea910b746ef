"""Request and response models for `/v1/orders` and an order's transitions."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field, model_validator

from chassis.pagination import Page
from chassis.types import (
    Id,
    Lax,
    Money,
    MoneyOut,
    PastTimestamp,
    RequestModel,
    ResponseModel,
    Text,
)
from services.dealers.fields import Code
from services.dealers.models import OrderKind, OrderStatus

MAX_ORDER_LINES = 500
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]
TermsDays = Annotated[int, Field(ge=0, le=365, description="Days from delivery to the due date")]


class OrderLineIn(RequestModel):
    product_id: Id
    quantity: Quantity
    unit_price: Money | None = Field(
        default=None, description="Defaults to the product's list price"
    )


class OrderCreate(RequestModel):
    """Free lines, or the ids of replenishment proposals of the buyer (their proposed
    quantities become the lines, at list price)."""

    code: Code | None = Field(default=None, description="The order's number in the ERP")
    buyer_id: Id = Field(
        description="The receiving location: a dealer's id (the manufacturer supplies it) or an "
        "outlet's id (its dealer supplies it)"
    )
    lines: list[OrderLineIn] | None = Field(default=None, min_length=1, max_length=MAX_ORDER_LINES)
    proposal_ids: list[Id] | None = Field(default=None, min_length=1, max_length=MAX_ORDER_LINES)
    payment_terms_days: TermsDays = 30
    note: Text | None = None
    placed_at: PastTimestamp | None = Field(
        default=None,
        description="When it was placed, for an order an ERP records after the fact: not in the "
        "future; default now",
    )

    @model_validator(mode="after")
    def _lines_or_proposals(self) -> "OrderCreate":
        if (self.lines is None) == (self.proposal_ids is None):
            raise ValueError("give either lines or proposal_ids")
        return self


class OrderUpdate(RequestModel):
    """Only a draft changes; `lines` replaces every line."""

    code: Code | None = None
    lines: list[OrderLineIn] | None = Field(default=None, min_length=1, max_length=MAX_ORDER_LINES)
    payment_terms_days: TermsDays | None = None
    note: Text | None = None


class TransitionCreate(RequestModel):
    to: Annotated[OrderStatus, Lax] = Field(
        description="The next status: submitted, confirmed, shipped, delivered or cancelled"
    )
    reason: Text | None = Field(default=None, description="Required to cancel")
    at: PastTimestamp | None = Field(
        default=None,
        description="When the move happened, for moves an ERP records after the fact: not in "
        "the future, not before the order's previous move; default now",
    )


class OrderLinePublic(ResponseModel):
    line_no: int
    product_id: UUID
    quantity: int
    unit_price: MoneyOut
    amount: MoneyOut
    proposal_id: UUID | None


class OrderPublic(ResponseModel):
    id: UUID
    code: str | None
    kind: OrderKind
    buyer_id: UUID
    buyer_type: str
    seller_id: UUID | None = Field(description="None: the manufacturer")
    dealer_id: UUID
    region_id: UUID
    status: OrderStatus
    total_amount: MoneyOut
    paid_amount: MoneyOut
    open_amount: MoneyOut = Field(description="total − paid")
    payment_terms_days: int
    delivered_on: date | None = Field(description="The UTC day of delivery")
    due_on: date | None = Field(description="Delivery day + payment terms; set on delivery")
    note: str | None
    created_by: str
    submitted_at: datetime | None
    confirmed_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    lines: list[OrderLinePublic]
    version: int
    created_at: datetime
    updated_at: datetime


class OrderSummary(ResponseModel):
    """An order in a list: without its lines."""

    id: UUID
    code: str | None
    kind: OrderKind
    buyer_id: UUID
    buyer_type: str
    seller_id: UUID | None
    dealer_id: UUID
    region_id: UUID
    status: OrderStatus
    total_amount: MoneyOut
    paid_amount: MoneyOut
    open_amount: MoneyOut
    delivered_on: date | None
    due_on: date | None
    version: int
    created_at: datetime
    updated_at: datetime


OrderPage = Page[OrderSummary]


class TransitionPublic(ResponseModel):
    """One move of an order; `from` is null for the move that made the draft."""

    id: UUID
    order_id: UUID
    from_: OrderStatus | None = Field(validation_alias="from_status", serialization_alias="from")
    to: OrderStatus = Field(validation_alias="to_status")
    at: datetime
    reason: str | None
    actor: str
    created_at: datetime


TransitionPage = Page[TransitionPublic]


class CreditFigures(ResponseModel):
    """What a refused submission reports."""

    credit_limit: MoneyOut
    open_receivable: MoneyOut
    open_orders: MoneyOut
    order_value: MoneyOut
    available: MoneyOut
    shortfall: MoneyOut


class SellInRow(ResponseModel):
    """What was delivered to a location of one product on one day (from delivered orders)."""

    location_id: UUID
    location_type: str
    dealer_id: UUID
    product_id: UUID
    day: date
    quantity: int
    amount: MoneyOut


SellInPage = Page[SellInRow]
