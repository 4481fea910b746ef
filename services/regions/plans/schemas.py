"""Request and response models for `/v1/market-plans`."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, LongText, Period, RequestModel, ResponseModel
from services.regions.models import PlanStatus


class PlanCreate(RequestModel):
    region_id: Id
    period: Period
    objectives: LongText
    strategy: LongText = Field(
        description="The value-chain strategy (以构建营销价值链为核心的市场策略)"
    )


class PlanUpdate(RequestModel):
    objectives: LongText | None = None
    strategy: LongText | None = None
    status: Annotated[PlanStatus, Lax] | None = Field(
        default=None, description="draft → approved → closed, one step at a time"
    )


class PlanPublic(ResponseModel):
    id: UUID
    region_id: UUID
    period: str
    objectives: str
    strategy: str
    status: PlanStatus
    version: int
    created_at: datetime
    updated_at: datetime


PlanPage = Page[PlanPublic]
