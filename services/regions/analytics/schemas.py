"""Response models of the analytics on a region: trend, competitive landscape, coverage."""

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from chassis.types import ResponseModel
from services.regions.fields import PercentOut


class SurveyMetric(StrEnum):
    population = "population"
    households = "households"
    capacity_amount = "capacity_amount"
    capacity_volume = "capacity_volume"
    outlets_total = "outlets_total"
    outlets_covered = "outlets_covered"
    our_sales = "our_sales"
    our_share = "our_share"  # weighted by market capacity when regions are aggregated
    coverage = "coverage"  # outlets covered ÷ outlets in the region, %


class TrendPoint(ResponseModel):
    period: str
    value: Decimal | None = Field(description="Sums for counts and amounts; % for shares")
    surveys: int
    source: str = Field(description="`own` survey or `children` aggregated")


class Trend(ResponseModel):
    region_id: UUID
    metric: SurveyMetric
    points: list[TrendPoint]


class Contender(ResponseModel):
    rank: int
    competitor_id: UUID | None = Field(description="null for us")
    name: str
    is_us: bool
    share: PercentOut
    outlets: int | None


class Landscape(ResponseModel):
    region_id: UUID
    period: str | None = Field(description="The month of the latest survey used")
    surveys: int
    ranking: list[Contender]
    our_rank: int | None
    our_share: PercentOut | None
    leader: Contender | None
    gap_to_leader: PercentOut | None = Field(
        description="The gap to No. 1: the leader's share minus ours, in percentage points; "
        "0 when we lead or tie"
    )


class Coverage(ResponseModel):
    region_id: UUID
    period: str | None
    surveys: int
    outlets_total: int
    outlets_covered: int
    coverage: PercentOut | None = Field(description="outlets_covered ÷ outlets_total, %")
