"""Request and response models for `/v1/market-plans`."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, Period, RequestModel, ResponseModel
from services.regions.fields import Text
from services.regions.models import PlanStatus


class PlanCreate(RequestModel):
    region_id: Id
    period: Period
    objectives: Text
    strategy: Text = Field(
        description="The value-chain strategy (以构建营销价值链为核心的市场策略)"
    )


class PlanUpdate(RequestModel):
    objectives: Text | None = None
    strategy: Text | None = None
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
