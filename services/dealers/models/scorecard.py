"""Scorecards (Synergy model analysis): weighted-factor templates, and evaluations per dealer,
template and period."""

from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, ForeignKey, Numeric, String, UniqueConstraint, Uuid
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class Direction(StrEnum):
    manufacturer_rates_dealer = "manufacturer_rates_dealer"
    dealer_rates_manufacturer = "dealer_rates_manufacturer"


class ScorecardTemplate(Base, VersionedRecord, table=True):
    __tablename__ = "scorecard_templates"

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    direction: str = Field(sa_type=String(40), nullable=False)
    scale_max: int = Field(nullable=False)
    # [{"code", "name", "weight"}]: weights sum to 100
    factors: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class ScorecardEvaluation(Base, VersionedRecord, table=True):
    __tablename__ = "scorecard_evaluations"
    __table_args__ = (UniqueConstraint("template_id", "dealer_id", "period"),)

    template_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("scorecard_templates.id"), nullable=False, index=True)
    )
    dealer_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("dealers.id"), nullable=False, index=True)
    )
    period: str = Field(sa_type=String(7), nullable=False)
    # [{"factor", "score"}]
    scores: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    total: Decimal = Field(sa_type=Numeric(6, 2), nullable=False)
    evaluator: str = Field(sa_type=String(200), nullable=False)
