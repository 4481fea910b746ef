"""Request and response models for `/v1/work-logs` and the time-allocation report."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, RequestModel, ResponseModel, Timestamp
from services.advisors.models import ActivityType

Activity = Annotated[ActivityType, Lax]
Note = Annotated[str, Field(min_length=1, max_length=1000)]


class WorkLogCreate(RequestModel):
    advisor_id: Id
    activity_type: Activity
    started_at: Timestamp
    ended_at: Timestamp
    account_id: Id | None = None
    visit_id: Id | None = None
    note: Note | None = None


class WorkLogUpdate(RequestModel):
    activity_type: Activity | None = None
    started_at: Timestamp | None = None
    ended_at: Timestamp | None = None
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
