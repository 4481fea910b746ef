"""Action plans (行动计划): an advisor's objectives and planned visits for a week or a month."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field

from chassis.db import UTCDateTime
from chassis.records import VersionedRecord
from services.advisors.models.base import Base


class PlanKind(StrEnum):
    week = "week"
    month = "month"


class PlanStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    returned = "returned"


class ActionPlan(Base, VersionedRecord, table=True):
    __tablename__ = "action_plans"
    __table_args__ = (UniqueConstraint("advisor_id", "kind", "period_start"),)

    advisor_id: UUID = Field(foreign_key="advisors.id", index=True, nullable=False)
    kind: PlanKind = Field(sa_type=String(10), nullable=False)
    period_start: date = Field(nullable=False)
    period_end: date = Field(nullable=False)
    objectives: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    planned_visits: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: PlanStatus = Field(default=PlanStatus.draft, sa_type=String(20), nullable=False)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reviewer_id: UUID | None = Field(default=None, foreign_key="advisors.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    review_note: str | None = Field(default=None, sa_type=String(1000))
