"""Request and response models for `/v1/market-plans`."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from chassis.pagination import Page
from chassis.types import Id, Lax, LongText, Period, RequestModel, ResponseModel, Text
from services.regions.models import PlanStatus

_BY_TRANSITION = PydanticCustomError(
    "status_by_transition", "changes with POST /v1/market-plans/{id}/transitions"
)


class PlanCreate(RequestModel):
    region_id: Id
    period: Period
    objectives: LongText
    strategy: LongText = Field(
        description="The value-chain strategy (以构建营销价值链为核心的市场策略)"
    )


class PlanUpdate(RequestModel):
    """The text of a draft plan; its status moves by a transition."""

    objectives: LongText | None = None
    strategy: LongText | None = None

    @model_validator(mode="before")
    @classmethod
    def _status_moves_by_transition(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status" in data:
            detail = InitErrorDetails(type=_BY_TRANSITION, loc=("status",), input=data["status"])
            raise ValidationError.from_exception_data(cls.__name__, [detail])
        return data


class PlanTransitionCreate(RequestModel):
    to: Annotated[PlanStatus, Lax] = Field(
        description="The next status: draft → approved → closed, one step at a time"
    )
    reason: Text | None = Field(default=None, description="Why, for the event")


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
