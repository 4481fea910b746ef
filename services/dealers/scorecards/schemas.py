"""Request and response models for scorecard templates and evaluations."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from chassis.pagination import Page
from chassis.types import Id, Lax, MoneyOut, Name, Period, RequestModel, ResponseModel
from services.dealers.fields import Code
from services.dealers.models import Direction

FactorCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
Weight = Annotated[int, Field(ge=1, le=100, description="Percent; a template's weights sum to 100")]
Score = Annotated[int, Field(ge=0, le=1000)]


class Factor(RequestModel):
    code: FactorCode
    name: Name
    weight: Weight


class FactorOut(BaseModel):
    code: str
    name: str
    weight: int


Factors = Annotated[list[Factor], Field(min_length=1, max_length=50)]


class TemplateCreate(RequestModel):
    code: Code
    name: Name
    direction: Annotated[Direction, Lax]
    scale_max: Annotated[int, Field(ge=1, le=1000, description="The best score (e.g. 5, 10)")]
    factors: Factors


class TemplateUpdate(RequestModel):
    name: Name | None = None
    factors: Factors | None = Field(default=None, description="Only while nothing is evaluated")


class TemplatePublic(ResponseModel):
    id: UUID
    code: str
    name: str
    direction: Direction
    scale_max: int
    factors: list[FactorOut]
    version: int
    created_at: datetime
    updated_at: datetime


TemplatePage = Page[TemplatePublic]


class FactorScore(RequestModel):
    factor: FactorCode
    score: Score


class FactorScoreOut(BaseModel):
    factor: str
    score: int


class EvaluationCreate(RequestModel):
    template_id: Id
    dealer_id: Id
    period: Period
    scores: Annotated[list[FactorScore], Field(min_length=1, max_length=50)]


class EvaluationPublic(ResponseModel):
    id: UUID
    template_id: UUID
    dealer_id: UUID
    period: str
    scores: list[FactorScoreOut]
    total: MoneyOut = Field(description="Σ score / scale × weight, 0–100")
    evaluator: str
    version: int
    created_at: datetime
    updated_at: datetime


EvaluationPage = Page[EvaluationPublic]


class TrendPoint(BaseModel):
    period: str
    total: MoneyOut


class Trend(BaseModel):
    dealer_id: UUID
    template_id: UUID
    items: list[TrendPoint]


class RankRow(BaseModel):
    rank: int
    dealer_id: UUID
    period: str
    total: MoneyOut


class Ranking(BaseModel):
    template_id: UUID
    items: list[RankRow]
