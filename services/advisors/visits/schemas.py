"""Request and response models for `/v1/visits` and their transitions."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import (
    Date,
    Id,
    LongText,
    Money,
    MoneyOut,
    PastTimestamp,
    RequestModel,
    ResponseModel,
)
from services.advisors.fields import Kind, Latitude, Longitude, Note, Short
from services.advisors.models import AccountKind, VisitStatus
from services.advisors.transitions import ByTarget


class VisitCreate(RequestModel):
    advisor_id: Id
    account_kind: Kind
    account_id: Id
    planned_date: Date
    action_plan_id: Id | None = None
    purpose: Short | None = Field(default=None, description="The plan (方案): why we go")
    agenda: LongText | None = Field(default=None, description="The plan: what we will do there")
    unplanned: bool = Field(default=False, description="Visited without a plan; needs a reason")
    unplanned_reason: Short | None = None


class VisitUpdate(RequestModel):
    planned_date: Date | None = None
    purpose: Short | None = None
    agenda: LongText | None = None


class VisitCheckIn(RequestModel):
    """On site: located, flagged when over 500 m from the account's location (an outlet's
    coordinates as the dealers service keeps them; a dealer has none)."""

    to: Literal["checked_in"]
    latitude: Latitude
    longitude: Longitude
    at: PastTimestamp | None = Field(default=None, description="When (default now)")
    reason: Note | None = None


class VisitReport(RequestModel):
    """The report brought back from a checked-in visit."""

    to: Literal["reported"]
    findings: LongText
    issues: LongText | None = None
    orders_taken: Money | None = None
    stock_seen: LongText | None = None
    competitor_notes: LongText | None = None
    next_steps: LongText | None = None
    at: PastTimestamp | None = Field(
        default=None, description="When (default now); not before the check-in"
    )
    reason: Note | None = None


class VisitMiss(RequestModel):
    """A planned visit that did not happen, and why."""

    to: Literal["missed"]
    reason: Short


class VisitBackToPlanned(RequestModel):
    """No move leads back to `planned`: listed so that asking for it is answered 409."""

    to: Literal["planned"]
    reason: Note | None = None


VisitTarget = Annotated[
    VisitCheckIn | VisitReport | VisitMiss | VisitBackToPlanned, Field(discriminator="to")
]


class VisitTransition(ByTarget[VisitTarget]):
    """A move of a visit: check in, report, or record it missed."""


class VisitPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    account_kind: AccountKind
    account_id: UUID
    planned_date: date
    action_plan_id: UUID | None
    purpose: str | None
    agenda: str | None
    unplanned: bool
    unplanned_reason: str | None
    status: VisitStatus
    checked_in_at: datetime | None
    latitude: float | None
    longitude: float | None
    distance_m: float | None = Field(
        description="From the account's location at check-in, in metres (none when unknown)"
    )
    far_from_account: bool = Field(description="Checked in more than 500 m from the account")
    reported_at: datetime | None
    findings: str | None
    issues: str | None
    orders_taken: MoneyOut | None
    stock_seen: str | None
    competitor_notes: str | None
    next_steps: str | None
    missed_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime


VisitPage = Page[VisitPublic]
