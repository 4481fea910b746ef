"""Selection and training (选拔与培训): courses, sessions, enrolments, results, certifications."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.advisors.models.base import Base


class EnrolmentStatus(StrEnum):
    enrolled = "enrolled"
    completed = "completed"
    absent = "absent"


class TrainingCourse(Base, VersionedRecord, table=True):
    __tablename__ = "training_courses"

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    title: str = Field(sa_type=String(200), nullable=False)
    category: str | None = Field(default=None, sa_type=String(60))
    required: bool = Field(default=False, nullable=False)
    # a pass certifies for this many months; None: no certification
    validity_months: int | None = Field(default=None)
    pass_score: Decimal = Field(default=Decimal(60), sa_type=Numeric(5, 2), nullable=False)


class TrainingSession(Base, VersionedRecord, table=True):
    __tablename__ = "training_sessions"

    course_id: UUID = Field(foreign_key="training_courses.id", index=True, nullable=False)
    held_on: date = Field(nullable=False)
    location: str | None = Field(default=None, sa_type=String(200))
    trainer: str | None = Field(default=None, sa_type=String(100))


class Enrolment(Base, VersionedRecord, table=True):
    __tablename__ = "training_enrolments"
    __table_args__ = (UniqueConstraint("session_id", "advisor_id"),)

    session_id: UUID = Field(foreign_key="training_sessions.id", index=True, nullable=False)
    advisor_id: UUID = Field(foreign_key="advisors.id", index=True, nullable=False)
    status: EnrolmentStatus = Field(
        default=EnrolmentStatus.enrolled, sa_type=String(20), nullable=False
    )
    score: Decimal | None = Field(default=None, sa_type=Numeric(5, 2))
    passed: bool | None = Field(default=None)


class Certification(Base, VersionedRecord, table=True):
    __tablename__ = "certifications"

    advisor_id: UUID = Field(foreign_key="advisors.id", index=True, nullable=False)
    course_id: UUID = Field(foreign_key="training_courses.id", index=True, nullable=False)
    enrolment_id: UUID = Field(foreign_key="training_enrolments.id", unique=True, nullable=False)
    issued_on: date = Field(nullable=False)
    expires_on: date | None = Field(default=None)
