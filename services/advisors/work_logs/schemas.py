"""Request and response models for `/v1/work-logs` and the time-allocation report."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, PastTimestamp, RequestModel, ResponseModel
from services.advisors.fields import Note
from services.advisors.models import ActivityType

Activity = Annotated[ActivityType, Lax]


class WorkLogCreate(RequestModel):
    advisor_id: Id
    activity_type: Activity
    started_at: PastTimestamp
    ended_at: PastTimestamp
    account_id: Id | None = None
    visit_id: Id | None = None
    note: Note | None = None


class WorkLogUpdate(RequestModel):
    activity_type: Activity | None = None
    started_at: PastTimestamp | None = None
    ended_at: PastTimestamp | None = None
    account_id: Id | None = None
    visit_id: Id | None = None
    note: Note | None = None


class WorkLogPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    activity_type: ActivityType
    started_at: datetime
    ended_at: datetime
    account_id: UUID | None
    visit_id: UUID | None
    note: str | None
    version: int
    created_at: datetime
    updated_at: datetime


WorkLogPage = Page[WorkLogPublic]


class TypeShare(ResponseModel):
    activity_type: ActivityType
    hours: float
    share: float = Field(description="Percent of the logged hours")


class TimeAllocation(ResponseModel):
    advisor_id: UUID
    period: str
    total_hours: float
    customer_facing_hours: float = Field(description="Visits and promotion")
    customer_facing_share: float = Field(description="Percent of the logged hours")
    by_type: list[TypeShare]
