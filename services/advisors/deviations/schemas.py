"""Request and response models for `/v1/deviations`."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, computed_field

from chassis.pagination import Page
from chassis.types import Id, Lax, LongText, Money, MoneyOut, RequestModel, ResponseModel
from services.advisors.fields import Label, Note, Period
from services.advisors.models import CorrectiveAction, DeviationStatus
from services.advisors.transitions import ByTarget, StatusByTransition

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


class DeviationUpdate(StatusByTransition):
    """The figures and the correction of an open deviation; its status moves by a transition."""

    TRANSITIONS = "POST /v1/deviations/{id}/transitions"

    result: Money | None = None
    cause: LongText | None = None
    corrective_action: Action | None = None
    action_note: LongText | None = None


class DeviationWork(RequestModel):
    """Start correcting an open deviation; no move leads back to `open`."""

    to: Literal["open", "in_progress"]
    reason: Note | None = None


class DeviationClose(RequestModel):
    """Close a deviation with its corrective action (sent here or recorded before)."""

    to: Literal["closed"]
    corrective_action: Action | None = Field(
        default=None, description="Required unless the deviation already records one"
    )
    action_note: LongText | None = None
    reason: Note | None = None


DeviationTarget = Annotated[DeviationWork | DeviationClose, Field(discriminator="to")]


class DeviationTransition(ByTarget[DeviationTarget]):
    """A move of a deviation: open → in_progress → closed, or open → closed."""


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
