"""The region tree: administrative regions keyed by GB/T 2260 codes, and sales regions."""

from enum import StrEnum
from uuid import UUID

from sqlalchemy import String
from sqlmodel import Field

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


class Region(Base, VersionedRecord, table=True):
    __tablename__ = "regions"

    code: str = Field(sa_type=String(20), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    kind: RegionKind = Field(sa_type=String(20), nullable=False)
    level: RegionLevel = Field(sa_type=String(20), nullable=False)
    parent_id: UUID | None = Field(default=None, foreign_key="regions.id", index=True)
