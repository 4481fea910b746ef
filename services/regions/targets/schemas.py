"""Request and response models for `/v1/targets` and `/v1/targets/actuals`."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, MoneyOut, Period, RequestModel, ResponseModel
from services.regions.fields import Metric, RatioOut, Source, TargetValue
from services.regions.models import TargetMetric


class TargetCreate(RequestModel):
    region_id: Id
    period: Period
    metric: Metric
    value: TargetValue
    owner_id: Id | None = Field(default=None, description="The advisor responsible")


class TargetUpdate(RequestModel):
    value: TargetValue | None = None
    owner_id: Id | None = None


class TargetPublic(ResponseModel):
    id: UUID
    region_id: UUID
    period: str
    metric: TargetMetric
    value: MoneyOut
    owner_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


TargetPage = Page[TargetPublic]


class ActualIn(RequestModel):
    region_id: Id
    period: Period
    metric: Metric
    value: TargetValue


class ActualsPost(RequestModel):
    source: Source = Field(default="manual", description="Where the figures come from")
    items: list[ActualIn] = Field(min_length=1, max_length=1000)


class ActualPublic(ResponseModel):
    id: UUID
    region_id: UUID
    period: str
    metric: TargetMetric
    value: MoneyOut
    source: str
    updated_at: datetime


class ActualList(ResponseModel):
    items: list[ActualPublic]


ActualPage = Page[ActualPublic]


class CascadeGap(ResponseModel):
    target_id: UUID
    region_id: UUID
    region_code: str
    period: str
    metric: TargetMetric
    target: MoneyOut
    children_total: MoneyOut
    difference: MoneyOut = Field(description="children_total − target")


CascadePage = Page[CascadeGap]


class Achievement(ResponseModel):
    region_id: UUID
    region_code: str
    region_name: str
    target: MoneyOut | None
    actual: MoneyOut | None
    achievement: RatioOut | None = Field(description="actual ÷ target")


class AchievementReport(Achievement):
    metric: TargetMetric
    period: str
    first_month: str
    last_month: str
    children: list[Achievement]
    series: list["PeriodAchievement"] = Field(
        default_factory=list, description="The region's figures per sub-period, when `by` is given"
    )


class PeriodAchievement(ResponseModel):
    period: str
    target: MoneyOut | None
    actual: MoneyOut | None
    achievement: RatioOut | None
