"""Request and response models for `/v1/outlets` and an outlet's moves between dealers."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, Money, MoneyOut, RequestModel, ResponseModel
from services.dealers.common import Code, Name, Text
from services.dealers.models import OutletGrade, OutletStatus, OutletType

Type = Annotated[OutletType, Lax]
Grade = Annotated[OutletGrade, Lax]
Status = Annotated[OutletStatus, Lax]
Address = Annotated[str, Field(min_length=1, max_length=300)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
CREDIT = (
    "The credit its dealer extends on orders (open receivable + order value must stay within "
    "it); none: the outlet's orders are not credit-checked"
)


class OutletCreate(RequestModel):
    code: Code = Field(description="The outlet's code in the dealer's or the ERP's system")
    name: Name
    type: Type
    grade: Grade
    region_id: Id
    address: Address | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    dealer_id: Id = Field(description="The supplying dealer")
    status: Status = OutletStatus.active
    joined_on: Date | None = None
    closed_on: Date | None = None
    credit_limit: Money | None = Field(default=None, description=CREDIT)


class OutletUpdate(RequestModel):
    """The supplying dealer changes through `POST /v1/outlets/{id}/moves`, which keeps history."""

    name: Name | None = None
    type: Type | None = None
    grade: Grade | None = None
    region_id: Id | None = None
    address: Address | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    status: Status | None = None
    joined_on: Date | None = None
    closed_on: Date | None = None
    credit_limit: Money | None = Field(default=None, description=CREDIT)


class OutletPublic(ResponseModel):
    id: UUID
    code: str
    name: str
    type: OutletType
    grade: OutletGrade
    region_id: UUID
    address: str | None
    latitude: float | None
    longitude: float | None
    dealer_id: UUID
    status: OutletStatus
    joined_on: date | None
    closed_on: date | None
    credit_limit: MoneyOut | None
    version: int
    created_at: datetime
    updated_at: datetime


OutletPage = Page[OutletPublic]


class OutletMoveCreate(RequestModel):
    dealer_id: Id = Field(description="The new supplying dealer")
    reason: Text | None = None
    moved_on: Date | None = Field(default=None, description="Defaults to today (UTC)")


class OutletMovePublic(ResponseModel):
    id: UUID
    outlet_id: UUID
    from_dealer_id: UUID
    to_dealer_id: UUID
    moved_on: date
    reason: str | None
    actor: str
    created_at: datetime


OutletMovePage = Page[OutletMovePublic]
