"""Work logs (工作写实): what an advisor actually did, and when."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Index, String
from sqlmodel import Field

from chassis.db import UTCDateTime
from chassis.records import VersionedRecord
from services.advisors.models.base import Base


class ActivityType(StrEnum):
    visit = "visit"
    travel = "travel"
    training = "training"
    admin = "admin"
    promotion = "promotion"
    meeting = "meeting"
    other = "other"


CUSTOMER_FACING = (ActivityType.visit, ActivityType.promotion)


class WorkLog(Base, VersionedRecord, table=True):
    __tablename__ = "work_logs"
    __table_args__ = (Index("ix_work_logs_advisor_id_started_at", "advisor_id", "started_at"),)

    advisor_id: UUID = Field(foreign_key="advisors.id", nullable=False)
    activity_type: ActivityType = Field(sa_type=String(20), nullable=False)
    started_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    ended_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    account_id: UUID | None = Field(default=None)
    visit_id: UUID | None = Field(default=None, foreign_key="visits.id", index=True)
    note: str | None = Field(default=None, sa_type=String(1000))
