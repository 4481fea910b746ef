"""Request and response models for `/v1/dealers`."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, Money, MoneyOut, RequestModel, ResponseModel
from services.dealers.models import DealerTier

Code = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[0-9A-Z][0-9A-Z_-]{1,39}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Uscc = Annotated[
    str,
    Field(
        min_length=18,
        max_length=18,
        description="Unified social credit code (GB 32100), check character verified",
        examples=["91350100M000100Y43"],
    ),
]
ContactName = Annotated[str, Field(min_length=1, max_length=100)]
Mobile = Annotated[str, Field(min_length=11, max_length=11, examples=["13800138000"])]
Tier = Annotated[DealerTier, Lax]


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


class DealerUpdate(RequestModel):
    name: Name | None = None
    uscc: Uscc | None = None
    region_id: Id | None = None
    tier: Tier | None = None
    credit_limit: Money | None = None
    advisor_id: Id | None = None
    contact_name: ContactName | None = None
    contact_mobile: Mobile | None = None


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
    version: int
    created_at: datetime
    updated_at: datetime


DealerPage = Page[DealerPublic]
