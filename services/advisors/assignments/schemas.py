"""Request and response models for `/v1/assignments` and an account's hand-over."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from chassis.pagination import Page
from chassis.types import Date, Id, PastDate, RequestModel, ResponseModel
from services.advisors.fields import Kind, Note
from services.advisors.models import AccountKind

_LOCATED_BY_ACCOUNT = PydanticCustomError(
    "located_by_account",
    "is not taken: an account's coordinates are the outlet's own, kept by the dealers service",
)
_COORDINATES = ("account_latitude", "account_longitude")


class _NoCoordinates(RequestModel):
    """Coordinates sent with an assignment are refused naming the field: the account's location
    comes from the account (the copy of the outlet advisors keeps)."""

    @model_validator(mode="before")
    @classmethod
    def _located_by_account(cls, data: Any) -> Any:
        sent = [k for k in _COORDINATES if isinstance(data, dict) and k in data]
        if sent:
            errors = [
                InitErrorDetails(type=_LOCATED_BY_ACCOUNT, loc=(k,), input=data[k]) for k in sent
            ]
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return data


class AssignmentCreate(_NoCoordinates):
    advisor_id: Id
    account_kind: Kind
    account_id: Id = Field(
        description="A dealer's or an outlet's id in the dealers service (as `account_kind` "
        "says); an unknown or deleted one is refused"
    )
    is_main: bool = Field(default=True, description="The account's main advisor (one at a time)")
    from_date: Date
    to_date: Date | None = None


class AssignmentUpdate(_NoCoordinates):
    to_date: Date | None = None


class Reassignment(RequestModel):
    """The account goes to another advisor: this assignment ends the day before `on` and a new
    one, with the same account and role, opens on `on`."""

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
    version: int
    created_at: datetime
    updated_at: datetime


AssignmentPage = Page[AssignmentPublic]
