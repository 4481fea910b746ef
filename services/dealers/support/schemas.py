"""Request and response models for `/v1/support-activities` and its summary."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from chassis.pagination import Page
from chassis.types import Id, Lax, PastDate, RequestModel, ResponseModel, Text
from services.dealers.models import ActivityType, Flow

FlowIn = Annotated[Flow, Lax]
TypeIn = Annotated[ActivityType, Lax]


class SupportActivityCreate(RequestModel):
    dealer_id: Id
    flow: FlowIn
    activity_type: TypeIn = Field(
        description="One of the flow's activity types: pricing, ordering … for the commercial "
        "flow (商流), market research … for information (信息流), inventory guidance … for "
        "logistics (物流), settlement support … for capital (资金流)"
    )
    activity_on: PastDate
    advisor_id: Id | None = None
    description: Text
    outcome: Text | None = None


class SupportActivityUpdate(RequestModel):
    flow: FlowIn | None = None
    activity_type: TypeIn | None = None
    activity_on: PastDate | None = None
    advisor_id: Id | None = None
    description: Text | None = None
    outcome: Text | None = None


class SupportActivityPublic(ResponseModel):
    id: UUID
    dealer_id: UUID
    flow: Flow
    activity_type: ActivityType
    activity_on: date
    advisor_id: UUID | None
    description: str
    outcome: str | None
    version: int
    created_at: datetime
    updated_at: datetime


SupportActivityPage = Page[SupportActivityPublic]


class SummaryRow(BaseModel):
    dealer_id: UUID
    period: str = Field(description="YYYY-MM")
    flow: Flow
    activities: int


class SupportSummary(BaseModel):
    items: list[SummaryRow]
