"""Response models for `/v1/certifications` and who is due for a required course."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import ResponseModel


class CertificationPublic(ResponseModel):
    id: UUID
    advisor_id: UUID
    course_id: UUID
    enrolment_id: UUID
    issued_on: date
    expires_on: date | None
    created_at: datetime


CertificationPage = Page[CertificationPublic]


DueReason = Literal["never_certified", "expired", "expiring"]


class DueEntry(ResponseModel):
    advisor_id: UUID
    employee_code: str
    course_id: UUID
    course_code: str
    expires_on: date | None = Field(description="The latest certification's expiry, if any")
    reason: DueReason


class DueList(ResponseModel):
    on: date
    within_days: int
    items: list[DueEntry]
