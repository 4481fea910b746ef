"""Visits: a plan taken out, a check-in on site, a report brought back (or a miss)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Index, Numeric, String, Text
from sqlmodel import Field

from chassis.db import UTCDateTime
from chassis.records import VersionedRecord
from services.advisors.models.assignment import AccountKind
from services.advisors.models.base import Base


class VisitStatus(StrEnum):
    planned = "planned"
    checked_in = "checked_in"
    reported = "reported"
    missed = "missed"


class Visit(Base, VersionedRecord, table=True):
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_advisor_id_planned_date", "advisor_id", "planned_date"),)

    advisor_id: UUID = Field(foreign_key="advisors.id", nullable=False)
    account_kind: AccountKind = Field(sa_type=String(10), nullable=False)
    account_id: UUID = Field(index=True, nullable=False)
    planned_date: date = Field(nullable=False)
    action_plan_id: UUID | None = Field(default=None, foreign_key="action_plans.id", index=True)
    purpose: str | None = Field(default=None, sa_type=String(500))
    agenda: str | None = Field(default=None, sa_type=Text)
    unplanned: bool = Field(default=False, nullable=False)
    unplanned_reason: str | None = Field(default=None, sa_type=String(500))
    status: VisitStatus = Field(default=VisitStatus.planned, sa_type=String(20), nullable=False)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)
    distance_m: float | None = Field(default=None)
    far_from_account: bool = Field(default=False, nullable=False)
    reported_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    findings: str | None = Field(default=None, sa_type=Text)
    issues: str | None = Field(default=None, sa_type=Text)
    orders_taken: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    stock_seen: str | None = Field(default=None, sa_type=Text)
    competitor_notes: str | None = Field(default=None, sa_type=Text)
    next_steps: str | None = Field(default=None, sa_type=Text)
    missed_reason: str | None = Field(default=None, sa_type=String(500))
