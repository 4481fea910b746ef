"""Competitors and census surveys (普查调研): per region and date, the market and each
competitor's line."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Column, Date, ForeignKey, Numeric, String, Text, UniqueConstraint, Uuid
from sqlmodel import Field

from chassis.db import new_id
from chassis.records import VersionedRecord
from services.regions.models.base import Base


class PriceLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    premium = "premium"


class Competitor(Base, VersionedRecord, table=True):
    __tablename__ = "competitors"

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class MarketSurvey(Base, VersionedRecord, table=True):
    __tablename__ = "market_surveys"
    __table_args__ = (UniqueConstraint("region_id", "surveyed_on"),)

    region_id: UUID = Field(foreign_key="regions.id", index=True, nullable=False)
    surveyed_on: date = Field(sa_column=Column(Date, nullable=False))
    period: str = Field(sa_type=String(7), nullable=False, index=True)  # YYYY-MM of surveyed_on
    population: int = Field(nullable=False)
    households: int = Field(nullable=False)
    capacity_amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    capacity_volume: int = Field(nullable=False)
    outlets_total: int = Field(nullable=False)
    outlets_covered: int = Field(nullable=False)
    our_sales: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    our_share: Decimal = Field(sa_type=Numeric(5, 2), nullable=False)


class SurveyLine(Base, table=True):
    __tablename__ = "market_survey_lines"
    __table_args__ = (UniqueConstraint("survey_id", "competitor_id"),)

    id: UUID = Field(default_factory=new_id, primary_key=True)
    survey_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("market_surveys.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    competitor_id: UUID = Field(foreign_key="competitors.id", index=True, nullable=False)
    share: Decimal = Field(sa_type=Numeric(5, 2), nullable=False)
    outlets: int = Field(nullable=False)
    price_level: PriceLevel = Field(sa_type=String(20), nullable=False)
