"""Request and response models for `/v1/visits`."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, Money, MoneyOut, RequestModel, ResponseModel, Timestamp
from services.advisors.assignments.schemas import Kind, Latitude, Longitude
from services.advisors.models import AccountKind, VisitStatus

Short = Annotated[str, Field(min_length=1, max_length=500)]
Long = Annotated[str, Field(min_length=1, max_length=10000)]


class VisitCreate(RequestModel):
    advisor_id: Id
    account_kind: Kind
    account_id: Id
    planned_date: Date
    action_plan_id: Id | None = None
    purpose: Short | None = Field(default=None, description="The plan (方案): why we go")
    agenda: Long | None = Field(default=None, description="The plan: what we will do there")
    unplanned: bool = Field(default=False, description="Visited without a plan; needs a reason")
    unplanned_reason: Short | None = None


class VisitUpdate(RequestModel):
    planned_date: Date | None = None
    purpose: Short | None = None
    agenda: Long | None = None


class CheckIn(RequestModel):
    checked_in_at: Timestamp
    latitude: Latitude
    longitude: Longitude


class VisitReport(RequestModel):
    findings: Long
    issues: Long | None = None
    orders_taken: Money | None = None
    stock_seen: Long | None = None
    competitor_notes: Long | None = None
    next_steps: Long | None = None


class Miss(RequestModel):
    reason: Short


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
    distance_m: float | None = Field(description="From the account's known location, in metres")
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
StatusFilter = Annotated[VisitStatus, Lax]
