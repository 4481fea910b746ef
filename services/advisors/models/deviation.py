"""Adjustment and control: a result's deviation from its target, its cause and the correction."""

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Numeric, String, Text
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.advisors.models.base import Base


class CorrectiveAction(StrEnum):
    behaviour_correction = "behaviour_correction"
    policy_adjustment = "policy_adjustment"
    other = "other"


class DeviationStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    closed = "closed"


class Deviation(Base, VersionedRecord, table=True):
    __tablename__ = "deviations"

    advisor_id: UUID = Field(foreign_key="advisors.id", index=True, nullable=False)
    period: str = Field(sa_type=String(7), nullable=False, index=True)
    metric: str = Field(sa_type=String(100), nullable=False)
    target: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    result: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    cause: str | None = Field(default=None, sa_type=Text)
    corrective_action: CorrectiveAction | None = Field(default=None, sa_type=String(30))
    action_note: str | None = Field(default=None, sa_type=Text)
    status: DeviationStatus = Field(
        default=DeviationStatus.open, sa_type=String(20), nullable=False
    )
