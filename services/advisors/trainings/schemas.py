"""Request and response models for `/v1/trainings`: courses, sessions, enrolments, results,
certifications and who is due."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, RequestModel, ResponseModel

Code = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[0-9A-Z][0-9A-Z_-]{1,39}$")]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Points = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class CourseCreate(RequestModel):
    code: Code
    title: Title
    category: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    required: bool = Field(default=False, description="Every active advisor must hold it")
    validity_months: int | None = Field(
        default=None, ge=1, le=120, description="A pass certifies for this long; null: for good"
    )
    pass_score: Points = 60


class CourseUpdate(RequestModel):
    title: Title | None = None
    category: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    required: bool | None = None
    validity_months: int | None = Field(default=None, ge=1, le=120)
    pass_score: Points | None = None


class CoursePublic(ResponseModel):
    id: UUID
    code: str
    title: str
    category: str | None
    required: bool
    validity_months: int | None
    pass_score: float
    version: int
    created_at: datetime
    updated_at: datetime


class SessionCreate(RequestModel):
    held_on: Date
    location: Text | None = None
    trainer: Text | None = None


class SessionPublic(ResponseModel):
    id: UUID
    course_id: UUID
    held_on: date
    location: str | None
    trainer: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class EnrolmentCreate(RequestModel):
    session_id: Id
    advisor_id: Id


class TrainingResult(RequestModel):
    attended: bool = True
    score: Points | None = Field(default=None, description="Required when attended")


class EnrolmentPublic(ResponseModel):
    id: UUID
    session_id: UUID
    advisor_id: UUID
    status: Literal["enrolled", "completed", "absent"]
    score: float | None
    passed: bool | None
    version: int
    created_at: datetime
    updated_at: datetime


class CertificationPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    course_id: UUID
    enrolment_id: UUID
    issued_on: date
    expires_on: date | None
    created_at: datetime


class DueEntry(ResponseModel):
    advisor_id: UUID
    employee_code: str
    course_id: UUID
    course_code: str
    expires_on: date | None = Field(description="The latest certification's expiry, if any")
    reason: Literal["never_certified", "expired", "expiring"]


class DueList(ResponseModel):
    on: date
    within_days: int
    items: list[DueEntry]


CoursePage = Page[CoursePublic]
SessionPage = Page[SessionPublic]
EnrolmentPage = Page[EnrolmentPublic]
CertificationPage = Page[CertificationPublic]
