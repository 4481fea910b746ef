"""Request and response models for `/v1/payments` and `/v1/receivables`."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, Money, MoneyOut, PastDate, RequestModel, ResponseModel, Text
from services.dealers.fields import Code
from services.dealers.models import OrderStatus, PaymentMethod

MAX_ALLOCATIONS = 100


class AllocationIn(RequestModel):
    order_id: Id
    amount: Money = Field(description="More than zero, at most what is open on the order")


class PaymentCreate(RequestModel):
    """Money a buyer paid its seller, allocated to the buyer's orders; the allocations add up to
    the amount."""

    code: Code | None = Field(default=None, description="The payment's reference (bank, ERP)")
    payer_id: Id = Field(description="The buyer: a dealer's id or an outlet's id")
    amount: Money
    method: Annotated[PaymentMethod, Lax]
    paid_on: PastDate
    allocations: list[AllocationIn] = Field(min_length=1, max_length=MAX_ALLOCATIONS)
    note: Text | None = None


class AllocationPublic(ResponseModel):
    order_id: UUID
    amount: MoneyOut


class PaymentPublic(ResponseModel):
    id: UUID
    code: str | None
    payer_id: UUID
    payer_type: str
    payee_id: UUID | None = Field(description="None: the manufacturer")
    dealer_id: UUID
    amount: MoneyOut
    method: PaymentMethod
    paid_on: date
    note: str | None
    created_by: str
    created_at: datetime
    allocations: list[AllocationPublic]


class PaymentSummary(ResponseModel):
    id: UUID
    code: str | None
    payer_id: UUID
    payer_type: str
    payee_id: UUID | None
    dealer_id: UUID
    amount: MoneyOut
    method: PaymentMethod
    paid_on: date
    created_at: datetime


PaymentPage = Page[PaymentSummary]


class Ageing(ResponseModel):
    """What is open on delivered orders, by days from delivery to `as_of`."""

    days_0_30: MoneyOut
    days_31_60: MoneyOut
    days_61_90: MoneyOut
    over_90: MoneyOut


class OpenOrder(ResponseModel):
    order_id: UUID
    code: str | None
    status: OrderStatus
    delivered_on: date | None
    due_on: date | None
    days_overdue: int = Field(description="0 unless past due")
    total_amount: MoneyOut
    paid_amount: MoneyOut
    open_amount: MoneyOut


class Receivable(ResponseModel):
    customer_id: UUID
    customer_type: str = Field(description="dealer (owes the manufacturer) or outlet")
    seller_id: UUID | None = Field(description="Who is owed; None: the manufacturer")
    dealer_id: UUID
    as_of: date
    credit_limit: MoneyOut | None = Field(description="None: not credit-checked")
    open_balance: MoneyOut = Field(description="Unpaid on orders delivered by `as_of`")
    open_orders: MoneyOut = Field(
        description="Unpaid on orders submitted by `as_of` and neither delivered nor cancelled "
        "by then"
    )
    available_credit: MoneyOut | None
    ageing: Ageing
    overdue_amount: MoneyOut
    overdue_orders: int


ReceivablePage = Page[Receivable]


class ReceivableDetail(Receivable):
    overdue: list[OpenOrder] = Field(description="Delivered orders past due, oldest due first")
