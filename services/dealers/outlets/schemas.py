"""Request and response models for `/v1/outlets` and the transitions of an outlet's supplying
dealer."""

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

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
from services.dealers.fields import Address, Code
from services.dealers.models import OutletGrade, OutletStatus, OutletType

Type = Annotated[OutletType, Lax]
Grade = Annotated[OutletGrade, Lax]
Status = Annotated[OutletStatus, Lax]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
CREDIT = (
    "The credit its dealer extends on orders (open receivable + order value must stay within "
    "it); none: the outlet's orders are not credit-checked"
)
TRANSITIONS = "POST /v1/outlets/{id}/transitions"
_SUPPLIER_ELSEWHERE = PydanticCustomError(
    "use_transitions",
    "changes only through {route}, which keeps the history of supplying dealers",
    {"route": TRANSITIONS},
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
    joined_on: PastDate | None = None
    closed_on: PastDate | None = None
    credit_limit: Money | None = Field(default=None, description=CREDIT)


class OutletUpdate(RequestModel):
    """The supplying dealer changes through `POST /v1/outlets/{id}/transitions`, which keeps the
    history: `dealer_id` here is a 422 saying so."""

    name: Name | None = None
    type: Type | None = None
    grade: Grade | None = None
    region_id: Id | None = None
    address: Address | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    status: Status | None = None
    joined_on: PastDate | None = None
    closed_on: PastDate | None = None
    credit_limit: Money | None = Field(default=None, description=CREDIT)

    @model_validator(mode="before")
    @classmethod
    def _supplier_changes_elsewhere(cls, data: Any) -> Any:
        if isinstance(data, dict) and "dealer_id" in data:
            detail = InitErrorDetails(
                type=_SUPPLIER_ELSEWHERE, loc=("dealer_id",), input=data["dealer_id"]
            )
            raise ValidationError.from_exception_data(cls.__name__, [detail])
        return data


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


class OutletTransitionCreate(RequestModel):
    to: Id = Field(description="The new supplying dealer's id")
    on: PastDate | None = Field(
        default=None,
        description="The day the new dealer took over: not in the future, not before the "
        "outlet's previous change; today (UTC) by default",
    )
    reason: Text | None = None


class OutletTransitionPublic(ResponseModel):
    """One change of an outlet's supplying dealer: from and to are dealer ids."""

    id: UUID
    outlet_id: UUID
    from_: UUID = Field(validation_alias="from_dealer_id", serialization_alias="from")
    to: UUID = Field(validation_alias="to_dealer_id")
    on: date = Field(validation_alias="moved_on")
    reason: str | None
    actor: str
    created_at: datetime


OutletTransitionPage = Page[OutletTransitionPublic]
