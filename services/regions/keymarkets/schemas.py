"""Request and response models for `/v1/key-market-models` and their evaluations."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, Name, RequestModel, ResponseModel
from services.regions.fields import Code, Number, Score
from services.regions.models import RegionLevel


class CriterionMetric(StrEnum):
    population = "population"
    households = "households"
    capacity_amount = "capacity_amount"
    capacity_volume = "capacity_volume"
    outlets_total = "outlets_total"
    outlets_covered = "outlets_covered"
    our_sales = "our_sales"
    our_share = "our_share"
    coverage = "coverage"  # outlets covered ÷ outlets, %
    capacity_growth = "capacity_growth"  # market capacity vs the survey before, %
    sales_growth = "sales_growth"  # our sales vs the survey before, %
    gap_to_leader = "gap_to_leader"  # the gap to No. 1: the leader's share − ours, points, ≥ 0


class Band(RequestModel):
    min: Number = Field(description="The band starts at this value")
    score: Score


class Scoring(RequestModel):
    """`linear`: 0 at `floor`, 100 at `ceiling`, straight in between; `inverted` the other way
    round (less is better); `bands`: the score of the highest band whose `min` the value reaches,
    0 below every band."""

    kind: Literal["linear", "inverted", "bands"]
    floor: Number | None = None
    ceiling: Number | None = None
    bands: list[Band] | None = Field(default=None, min_length=1, max_length=20)


class Criterion(RequestModel):
    metric: Annotated[CriterionMetric, Lax]
    weight: Annotated[int, Field(ge=1, le=100)]
    scoring: Scoring


Criteria = Annotated[
    list[Criterion], Field(min_length=1, max_length=20, description="Weights sum to 100")
]


class ModelCreate(RequestModel):
    code: Code
    name: Name
    criteria: Criteria


class ModelUpdate(RequestModel):
    name: Name | None = None
    criteria: Criteria | None = None


class ModelPublic(ResponseModel):
    id: UUID
    code: str
    name: str
    criteria: list[dict[str, Any]]
    version: int
    created_at: datetime
    updated_at: datetime


ModelPage = Page[ModelPublic]


class EvaluationCreate(RequestModel):
    region_ids: list[Id] | None = Field(default=None, min_length=1, max_length=1000)
    ancestor: Id | None = Field(default=None, description="Evaluate every region below this one")
    level: Annotated[RegionLevel, Lax] | None = Field(
        default=None, description="With `ancestor`: only regions of this level"
    )
    top_n: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        default=None, description="Flag the N best as key markets"
    )
    mark: list[Id] = Field(
        default_factory=list, max_length=1000, description="Flag these evaluated regions"
    )


class CriterionScore(ResponseModel):
    metric: CriterionMetric
    value: float | None
    score: float
    weight: int
    weighted: float


class RegionScore(ResponseModel):
    rank: int
    region_id: UUID
    code: str
    name: str
    score: float
    breakdown: list[CriterionScore]
    marked: bool


class EvaluationPublic(ResponseModel):
    id: UUID
    model_id: UUID
    model_version: int
    actor: str
    created_at: datetime
    inputs: dict[str, Any]
    result: list[RegionScore]


EvaluationPage = Page[EvaluationPublic]
