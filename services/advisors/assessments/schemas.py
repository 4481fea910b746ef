"""Request and response models for `/v1/assessments`: computed assessments, runs, their lock and
the leaderboard."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, computed_field

from chassis.pagination import Page
from chassis.types import Id, Lax, MoneyOut, RequestModel, ResponseModel
from services.advisors.fields import Note, Period
from services.advisors.models import AssessmentState, Kpi


class AssessmentCreate(RequestModel):
    advisor_id: Id
    scheme_id: Id
    period: Period


class AssessmentRun(RequestModel):
    scheme_id: Id
    period: Period
    region_id: Id | None = Field(default=None, description="Only the advisors of this region")


class AssessmentTransition(RequestModel):
    """open → locked: the figures are final (no move leads back to open)."""

    to: Annotated[AssessmentState, Lax]
    reason: Note | None = None


class RunResult(ResponseModel):
    created: int
    recomputed: int
    locked: int = Field(description="Locked assessments left as they were")


class KpiResult(ResponseModel):
    kpi: Kpi
    weight: int
    value: float | None = Field(
        description="Percent, or a count for new_outlets; null: nothing to measure"
    )
    score: float
    weighted: float


class AssessmentPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    scheme_id: UUID
    period: str
    kpis: list[KpiResult]
    score: float
    grade: Literal["A", "B", "C", "D"]
    incentive: MoneyOut
    locked: bool
    computed_at: datetime
    version: int
    created_at: datetime
    updated_at: datetime

    @computed_field(description="open: recomputed on demand; locked: final")  # type: ignore[prop-decorator]
    @property
    def status(self) -> AssessmentState:
        return AssessmentState.locked if self.locked else AssessmentState.open


AssessmentPage = Page[AssessmentPublic]


class LeaderboardEntry(ResponseModel):
    rank: int
    assessment_id: UUID
    advisor_id: UUID
    employee_code: str
    name: str
    region_id: UUID | None
    score: float
    grade: str
    incentive: MoneyOut


class Leaderboard(ResponseModel):
    period: str
    region_id: UUID | None
    scheme_id: UUID | None
    items: list[LeaderboardEntry]
