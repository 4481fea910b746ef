"""Request and response models for `/v1/advisor-sales`: an advisor's sales figures of a month."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Money, MoneyOut, RequestModel, ResponseModel
from services.advisors.fields import Period


class SalesCreate(RequestModel):
    advisor_id: Id
    period: Period
    sales_target: Money
    sales_actual: Money
    new_outlets: int = Field(default=0, ge=0, le=100_000)
    receivables_due: Money = Decimal(0)
    receivables_collected: Money = Decimal(0)


class SalesUpdate(RequestModel):
    sales_target: Money | None = None
    sales_actual: Money | None = None
    new_outlets: int | None = Field(default=None, ge=0, le=100_000)
    receivables_due: Money | None = None
    receivables_collected: Money | None = None


class SalesPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    period: str
    sales_target: MoneyOut
    sales_actual: MoneyOut
    new_outlets: int
    receivables_due: MoneyOut
    receivables_collected: MoneyOut
    version: int
    created_at: datetime
    updated_at: datetime


SalesPage = Page[SalesPublic]
