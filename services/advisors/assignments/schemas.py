"""Request and response models for `/v1/assignments` and an account's hand-over."""

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, PastDate, RequestModel, ResponseModel
from services.advisors.fields import Kind, Latitude, Longitude, Note
from services.advisors.models import AccountKind


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
    """The account goes to another advisor: this assignment ends the day before `on` and a new
    one, with the same account, role and location, opens on `on`."""

    to: Id = Field(description="The advisor who takes the account over")
    on: PastDate | None = Field(
        default=None, description="The new advisor's first day (default today); after this start"
    )
    reason: Note | None = None


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
