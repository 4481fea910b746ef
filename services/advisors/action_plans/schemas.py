"""Request and response models for `/v1/action-plans` (行动计划) and their transitions."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, PastTimestamp, RequestModel, ResponseModel
from services.advisors.fields import Kind, Note, Short
from services.advisors.models import AccountKind, PlanKind, PlanStatus
from services.advisors.transitions import ByTarget


class PlannedVisit(RequestModel):
    account_kind: Kind
    account_id: Id
    planned_date: Date
    purpose: Short


class ActionPlanCreate(RequestModel):
    advisor_id: Id
    kind: Annotated[PlanKind, Lax]
    period_start: Date = Field(description="A Monday for a week, the 1st for a month")
    objectives: list[Short] = Field(min_length=1, max_length=50)
    planned_visits: list[PlannedVisit] = Field(default_factory=list, max_length=500)


class ActionPlanUpdate(RequestModel):
    objectives: list[Short] | None = Field(default=None, min_length=1, max_length=50)
    planned_visits: list[PlannedVisit] | None = Field(default=None, max_length=500)


WHEN = "When it happened (default now); not before the plan's previous change"


class ActionPlanMove(RequestModel):
    """Submit a draft or returned plan to the manager; no move leads back to `draft`."""

    to: Literal["draft", "submitted"]
    at: PastTimestamp | None = Field(default=None, description=WHEN)
    reason: Note | None = None


class ActionPlanReview(RequestModel):
    """The manager approves a submitted plan (its visits go on the agenda) or returns it."""

    to: Literal["approved", "returned"]
    reviewer_id: Id = Field(description="The advisor's manager")
    reason: Note | None = Field(default=None, description="Required to return the plan")
    at: PastTimestamp | None = Field(default=None, description=WHEN)


PlanTarget = Annotated[ActionPlanMove | ActionPlanReview, Field(discriminator="to")]


class ActionPlanTransition(ByTarget[PlanTarget]):
    """A move of an action plan: submit it, approve it or return it."""


class PlannedVisitOut(ResponseModel):
    account_kind: AccountKind
    account_id: UUID
    planned_date: date
    purpose: str


class ActionPlanPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    kind: PlanKind
    period_start: date
    period_end: date
    objectives: list[str]
    planned_visits: list[PlannedVisitOut]
    status: PlanStatus
    submitted_at: datetime | None
    reviewer_id: UUID | None
    reviewed_at: datetime | None
    review_note: str | None = Field(description="The reviewer's reason")
    version: int
    created_at: datetime
    updated_at: datetime


ActionPlanPage = Page[ActionPlanPublic]
