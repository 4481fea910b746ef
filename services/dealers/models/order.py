"""Replenishment orders (补货单) and the payments against them.

An order is placed by a buyer (a dealer's warehouse, by the dealer's id, or an outlet) on its
seller (the manufacturer for a dealer, the supplying dealer for an outlet). `dealer_id` is the
dealer the order concerns either way, so that a partner sees the orders of its dealers and of
their outlets. What the buyer owes is the order's total less what was paid against it."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlmodel import Field

from chassis.db import UTCDateTime, new_id, utcnow
from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class OrderKind(StrEnum):
    manufacturer_dealer = "manufacturer_dealer"  # the manufacturer supplies a dealer
    dealer_outlet = "dealer_outlet"  # a dealer supplies one of its outlets


class OrderStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    confirmed = "confirmed"
    shipped = "shipped"
    delivered = "delivered"
    cancelled = "cancelled"


# The lifecycle: which statuses each status may move to.
ORDER_MOVES: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.draft: frozenset({OrderStatus.submitted, OrderStatus.cancelled}),
    OrderStatus.submitted: frozenset({OrderStatus.confirmed, OrderStatus.cancelled}),
    OrderStatus.confirmed: frozenset({OrderStatus.shipped, OrderStatus.cancelled}),
    OrderStatus.shipped: frozenset({OrderStatus.delivered}),
    OrderStatus.delivered: frozenset(),
    OrderStatus.cancelled: frozenset(),
}
# Orders the buyer is committed to that have not arrived: they count in the inventory position
# of the receiving location and, with what is unpaid, against the buyer's credit limit.
OPEN_STATUSES = (OrderStatus.submitted, OrderStatus.confirmed, OrderStatus.shipped)


class Order(Base, VersionedRecord, table=True):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_buyer_id_status", "buyer_id", "status"),)

    code: str | None = Field(default=None, sa_type=String(40), unique=True)
    kind: OrderKind = Field(sa_type=String(20), nullable=False)
    buyer_id: UUID = Field(nullable=False)
    buyer_type: str = Field(sa_type=String(10), nullable=False)
    seller_id: UUID | None = Field(default=None, description="None: the manufacturer")
    dealer_id: UUID = Field(nullable=False, index=True)
    region_id: UUID = Field(nullable=False, index=True)
    status: OrderStatus = Field(sa_type=String(20), nullable=False, index=True)
    total_amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    paid_amount: Decimal = Field(default=Decimal("0"), sa_type=Numeric(14, 2), nullable=False)
    payment_terms_days: int = Field(default=30, nullable=False)
    note: str | None = Field(default=None, sa_type=Text)
    created_by: str = Field(sa_type=String(200), nullable=False)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    shipped_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    delivered_on: date | None = Field(
        default=None, sa_type=Date, index=True, description="The UTC day of delivery (sell-in)"
    )
    due_on: date | None = Field(default=None, sa_type=Date, index=True)


class OrderLine(Base, table=True):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "product_id"),)

    id: UUID = Field(default_factory=new_id, primary_key=True)
    order_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    )
    line_no: int = Field(nullable=False)
    product_id: UUID = Field(nullable=False, index=True)
    quantity: int = Field(nullable=False)
    unit_price: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    proposal_id: UUID | None = Field(default=None)


class OrderTransition(Base, table=True):
    """One move of an order's status: when it happened (`at`), when it was recorded, by whom."""

    __tablename__ = "order_transitions"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    order_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    from_status: str | None = Field(default=None, sa_type=String(20))
    to_status: str = Field(sa_type=String(20), nullable=False)
    reason: str | None = Field(default=None, sa_type=Text)
    actor: str = Field(sa_type=String(200), nullable=False)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class PaymentMethod(StrEnum):
    bank_transfer = "bank_transfer"
    acceptance_bill = "acceptance_bill"  # 承兑汇票
    cash = "cash"
    offset = "offset"  # against rebates or returns
    other = "other"


class Payment(Base, table=True):
    """Money from a buyer to its seller, allocated to the orders it pays."""

    __tablename__ = "payments"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    code: str | None = Field(default=None, sa_type=String(40), unique=True)
    payer_id: UUID = Field(nullable=False, index=True)
    payer_type: str = Field(sa_type=String(10), nullable=False)
    payee_id: UUID | None = Field(default=None, description="None: the manufacturer")
    dealer_id: UUID = Field(nullable=False, index=True)
    amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    method: PaymentMethod = Field(sa_type=String(20), nullable=False)
    paid_on: date = Field(sa_type=Date, nullable=False)
    note: str | None = Field(default=None, sa_type=Text)
    created_by: str = Field(sa_type=String(200), nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class PaymentAllocation(Base, table=True):
    __tablename__ = "payment_allocations"
    __table_args__ = (UniqueConstraint("payment_id", "order_id"),)

    id: UUID = Field(default_factory=new_id, primary_key=True)
    payment_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("payments.id", ondelete="CASCADE"), nullable=False)
    )
    order_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("orders.id"), nullable=False, index=True)
    )
    amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
