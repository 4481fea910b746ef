"""Request and response models for `/v1/deviations`."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field, computed_field

from chassis.pagination import Page
from chassis.types import Id, Lax, LongText, Money, MoneyOut, RequestModel, ResponseModel
from services.advisors.fields import Label, Period
from services.advisors.models import CorrectiveAction, DeviationStatus

Metric = Annotated[Label, Field(examples=["sales_achievement"])]
Action = Annotated[CorrectiveAction, Lax]


class DeviationCreate(RequestModel):
    advisor_id: Id
    period: Period
    metric: Metric
    target: Money
    result: Money
    cause: LongText | None = None
    corrective_action: Action | None = None
    action_note: LongText | None = None


class DeviationUpdate(RequestModel):
    result: Money | None = None
    cause: LongText | None = None
    corrective_action: Action | None = None
    action_note: LongText | None = None
    status: Annotated[DeviationStatus, Lax] | None = None


class DeviationPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    period: str
    metric: str
    target: MoneyOut
    result: MoneyOut
    cause: str | None
    corrective_action: CorrectiveAction | None
    action_note: str | None
    status: DeviationStatus
    version: int
    created_at: datetime
    updated_at: datetime

    @computed_field(description="result − target")  # type: ignore[prop-decorator]
    @property
    def deviation(self) -> MoneyOut:
        return Decimal(self.result) - Decimal(self.target)

    @computed_field(description="(result − target) ÷ target, in percent; null for a zero target")  # type: ignore[prop-decorator]
    @property
    def deviation_pct(self) -> float | None:
        if not self.target:
            return None
        return round(
            float((Decimal(self.result) - Decimal(self.target)) / Decimal(self.target) * 100), 2
        )


DeviationPage = Page[DeviationPublic]
