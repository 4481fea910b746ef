"""Request and response models for `/v1/dealers` and a dealer's lifecycle transitions."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, Money, MoneyOut, RequestModel, ResponseModel
from services.dealers.common import Code, Count, Mobile, Name, Text, Uscc
from services.dealers.models import DealerTier, LifecycleStage

ContactName = Annotated[str, Field(min_length=1, max_length=100)]
Role = Annotated[str, Field(min_length=1, max_length=50)]
Tier = Annotated[DealerTier, Lax]
Stage = Annotated[LifecycleStage, Lax]


class Contact(RequestModel):
    name: ContactName
    mobile: Mobile
    role: Role | None = None


class ContactOut(ResponseModel):
    name: str
    mobile: str
    role: str | None = None


Contacts = Annotated[list[Contact], Field(max_length=20)]


class DealerCreate(RequestModel):
    code: Code = Field(description="The dealer's ERP code")
    name: Name
    uscc: Uscc
    region_id: Id
    tier: Tier = DealerTier.ordinary
    credit_limit: Money = Decimal("0")
    advisor_id: Id | None = None
    contact_name: ContactName | None = None
    contact_mobile: Mobile | None = None
    warehouse_m2: Count | None = Field(default=None, description="Warehouse floor area, m²")
    vehicles: Count | None = Field(default=None, description="Delivery vehicles")
    sales_staff: Count | None = None
    annual_turnover: Money | None = None
    contacts: Contacts = Field(default_factory=list)


class DealerUpdate(RequestModel):
    name: Name | None = None
    uscc: Uscc | None = None
    region_id: Id | None = None
    tier: Tier | None = None
    credit_limit: Money | None = None
    advisor_id: Id | None = None
    contact_name: ContactName | None = None
    contact_mobile: Mobile | None = None
    warehouse_m2: Count | None = None
    vehicles: Count | None = None
    sales_staff: Count | None = None
    annual_turnover: Money | None = None
    contacts: Contacts | None = None


class DealerPublic(ResponseModel):
    id: UUID
    code: str
    name: str
    uscc: str
    region_id: UUID
    tier: DealerTier
    credit_limit: MoneyOut
    advisor_id: UUID | None
    contact_name: str | None
    contact_mobile: str | None
    warehouse_m2: int | None
    vehicles: int | None
    sales_staff: int | None
    annual_turnover: MoneyOut | None
    contacts: list[ContactOut]
    lifecycle_stage: LifecycleStage
    version: int
    created_at: datetime
    updated_at: datetime


DealerPage = Page[DealerPublic]


class StageTransitionCreate(RequestModel):
    to_stage: Stage = Field(description="The next stage, or any earlier one (with a reason)")
    reason: Text | None = Field(default=None, description="Required when going back")
    transitioned_on: Date | None = Field(default=None, description="Defaults to today (UTC)")


class StageTransitionPublic(ResponseModel):
    id: UUID
    dealer_id: UUID
    from_stage: LifecycleStage
    to_stage: LifecycleStage
    transitioned_on: date
    reason: str | None
    actor: str
    created_at: datetime


StageTransitionPage = Page[StageTransitionPublic]
