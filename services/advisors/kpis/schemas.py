"""Request and response models for `/v1/kpi-schemes`, `/v1/advisor-sales` and `/v1/assessments`."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, Money, MoneyOut, Period, RequestModel, ResponseModel

COEFFICIENT_RE = r"^[0-9](\.[0-9]{1,2})?$"


class Kpi(StrEnum):
    visit_plan_adherence = "visit_plan_adherence"  # % of planned visits made
    report_completion = "report_completion"  # % of visits made that were reported
    account_coverage = "account_coverage"  # % of assigned accounts with a reported visit
    customer_facing_share = "customer_facing_share"  # % of logged hours at customers
    sales_achievement = "sales_achievement"  # % of the sales target reached
    new_outlets = "new_outlets"  # outlets opened (a count)
    receivables_collected = "receivables_collected"  # % of receivables due collected
    training_completion = "training_completion"  # % of the month's enrolments passed


Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Threshold = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]


class Band(RequestModel):
    min: Threshold = Field(description="Lowest value that earns this score")
    score: Score


class KpiRule(RequestModel):
    kpi: Annotated[Kpi, Lax]
    weight: int = Field(ge=1, le=100)
    rule: Literal["linear", "bands"] = Field(
        description="linear: value ÷ target × 100, capped at 100; bands: the highest band reached"
    )
    target: Threshold | None = Field(default=None, description="For linear rules; above 0")
    bands: list[Band] | None = Field(default=None, min_length=1, max_length=10)


class GradeBands(RequestModel):
    """Lowest weighted score of each grade; below C is D."""

    A: Score = 90
    B: Score = 75
    C: Score = 60


class GradeCoefficients(RequestModel):
    A: Annotated[str, Field(pattern=COEFFICIENT_RE)] = "1.50"
    B: Annotated[str, Field(pattern=COEFFICIENT_RE)] = "1.20"
    C: Annotated[str, Field(pattern=COEFFICIENT_RE)] = "1.00"
    D: Annotated[str, Field(pattern=COEFFICIENT_RE)] = "0.50"


SchemeCode = Annotated[
    str, Field(min_length=2, max_length=40, pattern=r"^[0-9A-Z][0-9A-Z_-]{1,39}$")
]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class SchemeCreate(RequestModel):
    code: SchemeCode
    name: Name
    base_amount: Money = Field(description="The incentive at coefficient 1")
    kpis: list[KpiRule] = Field(min_length=1, max_length=8, description="Weights sum to 100")
    grade_bands: GradeBands = Field(default_factory=GradeBands)
    grade_coefficients: GradeCoefficients = Field(default_factory=GradeCoefficients)


class SchemeUpdate(RequestModel):
    name: Name | None = None
    base_amount: Money | None = None
    kpis: list[KpiRule] | None = Field(default=None, min_length=1, max_length=8)
    grade_bands: GradeBands | None = None
    grade_coefficients: GradeCoefficients | None = None


class BandOut(ResponseModel):
    min: float
    score: float


class KpiRuleOut(ResponseModel):
    kpi: Kpi
    weight: int
    rule: Literal["linear", "bands"]
    target: float | None = None
    bands: list[BandOut] | None = None


class GradeBandsOut(ResponseModel):
    A: float
    B: float
    C: float


class GradeCoefficientsOut(ResponseModel):
    A: str
    B: str
    C: str
    D: str


class SchemePublic(ResponseModel):
    id: UUID
    code: str
    name: str
    base_amount: MoneyOut
    kpis: list[KpiRuleOut]
    grade_bands: GradeBandsOut
    grade_coefficients: GradeCoefficientsOut
    version: int
    created_at: datetime
    updated_at: datetime


SchemePage = Page[SchemePublic]


class SalesCreate(RequestModel):
    advisor_id: Id
    period: Period
    sales_target: Money
    sales_actual: Money
    new_outlets: int = Field(default=0, ge=0, le=100_000)
    receivables_due: Money = Decimal(0)
    receivables_collected: Money = Decimal(0)


class SalesUpdate(RequestModel):
    sales_target: Money | None = None
    sales_actual: Money | None = None
    new_outlets: int | None = Field(default=None, ge=0, le=100_000)
    receivables_due: Money | None = None
    receivables_collected: Money | None = None


class SalesPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    period: str
    sales_target: MoneyOut
    sales_actual: MoneyOut
    new_outlets: int
    receivables_due: MoneyOut
    receivables_collected: MoneyOut
    version: int
    created_at: datetime
    updated_at: datetime


SalesPage = Page[SalesPublic]


class AssessmentCreate(RequestModel):
    advisor_id: Id
    scheme_id: Id
    period: Period


class AssessmentRun(RequestModel):
    scheme_id: Id
    period: Period
    region_id: Id | None = Field(default=None, description="Only the advisors of this region")


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
