"""Request and response models for `/v1/competitors` and `/v1/market-surveys`."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import (
    Id,
    Lax,
    LongText,
    Money,
    MoneyOut,
    Name,
    PastDate,
    RequestModel,
    ResponseModel,
)
from services.regions.fields import Code, Count, Percent, PercentOut
from services.regions.models import PriceLevel


class CompetitorCreate(RequestModel):
    code: Code
    name: Name
    notes: LongText | None = None


class CompetitorUpdate(RequestModel):
    name: Name | None = None
    notes: LongText | None = None


class CompetitorPublic(ResponseModel):
    id: UUID
    code: str
    name: str
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime


CompetitorPage = Page[CompetitorPublic]


class SurveyLineIn(RequestModel):
    competitor_id: Id
    share: Percent = Field(description="The competitor's market share, %")
    outlets: Count = Field(description="Outlets carrying the competitor")
    price_level: Annotated[PriceLevel, Lax]


class SurveyLineOut(ResponseModel):
    competitor_id: UUID
    share: PercentOut
    outlets: int
    price_level: PriceLevel


class SurveyFigures(RequestModel):
    population: Count
    households: Count
    capacity_amount: Money = Field(description="Estimated market capacity, CNY")
    capacity_volume: Count = Field(description="Estimated market capacity, units")
    outlets_total: Count = Field(description="Retail outlets in the region")
    outlets_covered: Count = Field(description="Outlets we cover")
    our_sales: Money
    our_share: Percent = Field(description="Our market share, %")


class SurveyCreate(SurveyFigures):
    region_id: Id
    surveyed_on: PastDate = Field(description="The day of the survey: today or before")
    lines: list[SurveyLineIn] = Field(default_factory=list, max_length=200)


class SurveyUpdate(RequestModel):
    population: Count | None = None
    households: Count | None = None
    capacity_amount: Money | None = None
    capacity_volume: Count | None = None
    outlets_total: Count | None = None
    outlets_covered: Count | None = None
    our_sales: Money | None = None
    our_share: Percent | None = None
    lines: list[SurveyLineIn] | None = Field(default=None, max_length=200)


class SurveyPublic(ResponseModel):
    id: UUID
    region_id: UUID
    surveyed_on: date
    population: int
    households: int
    capacity_amount: MoneyOut
    capacity_volume: int
    outlets_total: int
    outlets_covered: int
    our_sales: MoneyOut
    our_share: PercentOut
    lines: list[SurveyLineOut]
    version: int
    created_at: datetime
    updated_at: datetime


SurveyPage = Page[SurveyPublic]
