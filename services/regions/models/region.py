"""The region tree: administrative regions keyed by GB/T 2260 codes, sales regions grouping them,
and each region's roll-out stage with its history."""

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Boolean, Column, Date, ForeignKey, String, Text, Uuid, false
from sqlmodel import Field

from chassis.db import UTCDateTime, new_id, utcnow
from chassis.records import VersionedRecord
from services.regions.models.base import Base


class RegionKind(StrEnum):
    administrative = "administrative"
    sales = "sales"


class RegionLevel(StrEnum):
    province = "province"
    prefecture = "prefecture"
    county = "county"
    sales_area = "sales_area"  # 大区
    sales_district = "sales_district"  # 片区


class RolloutStage(StrEnum):
    """A region's roll-out stage, in order: forces still scattered, a chosen area attacked with
    concentrated forces, the success replicated area by area, the whole region dominated."""

    scattered = "scattered"  # 力量分散
    focused = "focused"  # 地域划分，重点进攻
    replicating = "replicating"  # 有效复制、扩大战果
    dominant = "dominant"  # 全局

    @property
    def rank(self) -> int:
        return list(RolloutStage).index(self)


class Region(Base, VersionedRecord, table=True):
    __tablename__ = "regions"

    code: str = Field(sa_type=String(20), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    kind: RegionKind = Field(sa_type=String(20), nullable=False)
    level: RegionLevel = Field(sa_type=String(20), nullable=False)
    parent_id: UUID | None = Field(default=None, foreign_key="regions.id", index=True)
    # an advisor (advisors service): an id only, no foreign key across databases
    owner_id: UUID | None = Field(default=None, index=True)
    key_market: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    rollout_stage: RolloutStage = Field(
        default=RolloutStage.scattered,
        sa_column=Column(String(20), nullable=False, server_default="scattered"),
    )


class RolloutStageChange(Base, table=True):
    __tablename__ = "rollout_stage_changes"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    region_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("regions.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    from_stage: RolloutStage = Field(sa_type=String(20), nullable=False)
    to_stage: RolloutStage = Field(sa_type=String(20), nullable=False)
    changed_on: date = Field(sa_column=Column(Date, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = Field(sa_type=String(200), nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
