"""Response models of `/v1/network-analytics`."""

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, Field


class GroupBy(StrEnum):
    region = "region"
    dealer = "dealer"


class OutletMix(BaseModel):
    key: UUID = Field(description="The region id or dealer id, as grouped")
    outlets: int
    by_status: dict[str, int]
    by_grade: dict[str, int]
    by_type: dict[str, int]


class OutletMixReport(BaseModel):
    group_by: GroupBy
    items: list[OutletMix]


class OutletFlow(BaseModel):
    key: UUID
    period: str
    joined: int
    closed: int


class OutletFlowReport(BaseModel):
    group_by: GroupBy
    items: list[OutletFlow]


class DealerShare(BaseModel):
    dealer_id: UUID
    outlets: int
    share: Decimal = Field(description="Percent of the outlets in scope, two decimals")


class ConcentrationReport(BaseModel):
    outlets: int
    items: list[DealerShare]


class DealerMix(BaseModel):
    region_id: UUID
    dealers: int
    by_stage: dict[str, int]
    by_tier: dict[str, int]


class DealerMixReport(BaseModel):
    items: list[DealerMix]
