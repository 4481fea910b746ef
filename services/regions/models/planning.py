"""Key-market scoring models and their kept evaluations, and market plans per region and period."""

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlmodel import Field

from chassis.db import UTCDateTime, new_id, utcnow
from chassis.records import VersionedRecord
from services.regions.models.base import Base


class KeyMarketModel(Base, VersionedRecord, table=True):
    __tablename__ = "key_market_models"

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    criteria: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class KeyMarketEvaluation(Base, table=True):
    __tablename__ = "key_market_evaluations"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    model_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("key_market_models.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    model_version: int = Field(nullable=False)
    actor: str = Field(sa_type=String(200), nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    inputs: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    result: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class PlanStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    closed = "closed"


class MarketPlan(Base, VersionedRecord, table=True):
    __tablename__ = "market_plans"
    __table_args__ = (UniqueConstraint("region_id", "period"),)

    region_id: UUID = Field(foreign_key="regions.id", index=True, nullable=False)
    period: str = Field(sa_type=String(7), nullable=False)
    objectives: str = Field(sa_column=Column(Text, nullable=False))
    strategy: str = Field(sa_column=Column(Text, nullable=False))
    status: PlanStatus = Field(default=PlanStatus.draft, sa_type=String(20), nullable=False)
