"""Request and response models for `/v1/advisors`."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.bulk import BulkRequest
from chassis.pagination import Page
from chassis.types import Date, Id, Lax, Name, RequestModel, ResponseModel
from services.advisors.fields import Code
from services.advisors.models import AdvisorLevel, AdvisorRole, AdvisorStatus

Mobile = Annotated[str, Field(min_length=11, max_length=11, examples=["13800138000"])]
Role = Annotated[AdvisorRole, Lax]
Level = Annotated[AdvisorLevel, Lax]
Status = Annotated[AdvisorStatus, Lax]


class AdvisorCreate(RequestModel):
    employee_code: Code = Field(description="The employee's code in the HR system")
    name: Name
    role: Role
    region_id: Id | None = None
    manager_id: Id | None = None
    level: Level = AdvisorLevel.advisor
    status: Status = AdvisorStatus.active
    hire_date: Date | None = None
    mobile: Mobile | None = None


class AdvisorUpdate(RequestModel):
    name: Name | None = None
    role: Role | None = None
    region_id: Id | None = None
    manager_id: Id | None = None
    level: Level | None = None
    status: Status | None = None
    hire_date: Date | None = None
    mobile: Mobile | None = None


class AdvisorPublic(ResponseModel):
    id: UUID
    employee_code: str
    name: str
    role: AdvisorRole
    region_id: UUID | None
    manager_id: UUID | None
    level: AdvisorLevel
    status: AdvisorStatus
    hire_date: date | None
    mobile: str | None
    version: int
    created_at: datetime
    updated_at: datetime


AdvisorPage = Page[AdvisorPublic]


class AdvisorBulk(BulkRequest[AdvisorCreate]):
    """Up to 1,000 advisors keyed by `employee_code`: new codes are created, known ones replaced."""
