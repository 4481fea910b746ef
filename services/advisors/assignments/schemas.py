"""Request and response models for `/v1/assignments`."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, RequestModel, ResponseModel
from services.advisors.models import AccountKind

Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Kind = Annotated[AccountKind, Lax]


class AssignmentCreate(RequestModel):
    advisor_id: Id
    account_kind: Kind
    account_id: Id = Field(description="A dealer's or an outlet's id in the dealers service")
    is_main: bool = Field(default=True, description="The account's main advisor (one at a time)")
    from_date: Date
    to_date: Date | None = None
    account_latitude: Latitude | None = None
    account_longitude: Longitude | None = None


class AssignmentUpdate(RequestModel):
    to_date: Date | None = None
    account_latitude: Latitude | None = None
    account_longitude: Longitude | None = None


class Reassignment(RequestModel):
    advisor_id: Id = Field(description="The advisor who takes the account over")
    from_date: Date = Field(
        description="First day of the new advisor; the old one ends the day before"
    )


class AssignmentPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    account_kind: AccountKind
    account_id: UUID
    is_main: bool
    from_date: date
    to_date: date | None
    account_latitude: float | None
    account_longitude: float | None
    version: int
    created_at: datetime
    updated_at: datetime


AssignmentPage = Page[AssignmentPublic]
