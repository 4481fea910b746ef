"""Request and response models for `/v1/action-plans` (行动计划)."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, RequestModel, ResponseModel
from services.advisors.assignments.schemas import Kind
from services.advisors.models import AccountKind, PlanKind, PlanStatus

Objective = Annotated[str, Field(min_length=1, max_length=500)]
Purpose = Annotated[str, Field(min_length=1, max_length=500)]
Note = Annotated[str, Field(min_length=1, max_length=1000)]


class PlannedVisit(RequestModel):
    account_kind: Kind
    account_id: Id
    planned_date: Date
    purpose: Purpose


class ActionPlanCreate(RequestModel):
    advisor_id: Id
    kind: Annotated[PlanKind, Lax]
    period_start: Date = Field(description="A Monday for a week, the 1st for a month")
    objectives: list[Objective] = Field(min_length=1, max_length=50)
    planned_visits: list[PlannedVisit] = Field(default_factory=list, max_length=500)


class ActionPlanUpdate(RequestModel):
    objectives: list[Objective] | None = Field(default=None, min_length=1, max_length=50)
    planned_visits: list[PlannedVisit] | None = Field(default=None, max_length=500)


class Review(RequestModel):
    reviewer_id: Id = Field(description="The advisor's manager")
    note: Note | None = None


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
    review_note: str | None
    version: int
    created_at: datetime
    updated_at: datetime


ActionPlanPage = Page[ActionPlanPublic]
