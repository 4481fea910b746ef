"""Request and response models for `/v1/dealers` and the transitions of its lifecycle stage."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from chassis.pagination import Page
from chassis.types import (
    Id,
    Lax,
    Money,
    MoneyOut,
    Name,
    PastDate,
    RequestModel,
    ResponseModel,
    Text,
)
from services.dealers.fields import Code, ContactName, Count, Mobile, Role, Uscc
from services.dealers.models import DealerTier, LifecycleStage

Tier = Annotated[DealerTier, Lax]
Stage = Annotated[LifecycleStage, Lax]
ADVISOR_SOURCE = (
    "the advisor serving a dealer is its main assignment in the advisors service "
    "(POST /v1/assignments there); this service shows a read-only copy"
)


def _read_only(value: Any) -> None:
    raise PydanticCustomError("read_only", "is read-only: {source}", {"source": ADVISOR_SOURCE})


# Sent at all (even null) it is refused, naming the field and where the advisor is decided.
ReadOnlyAdvisor = Annotated[
    None,
    BeforeValidator(_read_only),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uuid",
            "readOnly": True,
            "description": f"Not accepted: {ADVISOR_SOURCE}.",
        }
    ),
]


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
    advisor_id: ReadOnlyAdvisor = None
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
    advisor_id: ReadOnlyAdvisor = None
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
    advisor_id: UUID | None = Field(
        description="The advisor of the dealer's main assignment in force today (UTC), copied "
        "from the advisors service's assignments; set there, never here"
    )
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
    to: Stage = Field(description="The next stage, or any earlier one (with a reason)")
    on: PastDate | None = Field(
        default=None,
        description="The day the relationship moved: not in the future, not before the dealer's "
        "previous change; today (UTC) by default",
    )
    reason: Text | None = Field(default=None, description="Required when going back")


class StageTransitionPublic(ResponseModel):
    id: UUID
    dealer_id: UUID
    from_: LifecycleStage = Field(validation_alias="from_stage", serialization_alias="from")
    to: LifecycleStage = Field(validation_alias="to_stage")
    on: date = Field(validation_alias="transitioned_on")
    reason: str | None
    actor: str
    created_at: datetime


StageTransitionPage = Page[StageTransitionPublic]
