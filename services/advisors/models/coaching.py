"""Coaching (过程管理): the manager as missionary, coach, planner or firefighter."""

from datetime import date
from enum import StrEnum
from uuid import UUID

from sqlalchemy import String, Text
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.advisors.models.base import Base


class CoachingRole(StrEnum):
    missionary = "missionary"  # 传教士
    coach = "coach"  # 教练员
    planner = "planner"  # 策划者
    firefighter = "firefighter"  # 救火员


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"


class CoachingSession(Base, VersionedRecord, table=True):
    __tablename__ = "coaching_sessions"

    coach_id: UUID = Field(foreign_key="advisors.id", index=True, nullable=False)
    advisor_id: UUID = Field(foreign_key="advisors.id", index=True, nullable=False)
    role: CoachingRole = Field(sa_type=String(20), nullable=False)
    held_on: date = Field(nullable=False)
    topic: str = Field(sa_type=String(200), nullable=False)
    notes: str | None = Field(default=None, sa_type=Text)


class CoachingAction(Base, VersionedRecord, table=True):
    __tablename__ = "coaching_actions"

    session_id: UUID = Field(foreign_key="coaching_sessions.id", index=True, nullable=False)
    description: str = Field(sa_type=String(500), nullable=False)
    due_on: date | None = Field(default=None)
    status: ActionStatus = Field(default=ActionStatus.open, sa_type=String(20), nullable=False)
