"""Request and response models for `/v1/kpi-schemes`: weighted KPIs with their scoring rules,
grade bands and incentive coefficients."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Lax, Money, MoneyOut, Name, RequestModel, ResponseModel
from services.advisors.fields import Code, Points
from services.advisors.models import Kpi

COEFFICIENT_RE = r"^[0-9](\.[0-9]{1,2})?$"
Threshold = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
Coefficient = Annotated[str, Field(pattern=COEFFICIENT_RE)]


class Band(RequestModel):
    min: Threshold = Field(description="Lowest value that earns this score")
    score: Points


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

    A: Points = 90
    B: Points = 75
    C: Points = 60


class GradeCoefficients(RequestModel):
    A: Coefficient = "1.50"
    B: Coefficient = "1.20"
    C: Coefficient = "1.00"
    D: Coefficient = "0.50"


class SchemeCreate(RequestModel):
    code: Code
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
