"""The field force: customer advisors, business managers, promoters and their supervisors."""

from datetime import date
from enum import StrEnum
from uuid import UUID

from sqlalchemy import String
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.advisors.models.base import Base


class AdvisorRole(StrEnum):
    customer_advisor = "customer_advisor"  # 客户顾问, the main line 主攻线
    business_manager = "business_manager"  # 业务经理, publicity and promotion line
    promoter = "promoter"  # 导购员 / 促销员, promotion service line
    supervisor = "supervisor"


class AdvisorLevel(StrEnum):
    trainee = "trainee"
    advisor = "advisor"
    senior = "senior"
    expert = "expert"


class AdvisorStatus(StrEnum):
    active = "active"
    on_leave = "on_leave"
    left = "left"


class Advisor(Base, VersionedRecord, table=True):
    __tablename__ = "advisors"

    employee_code: str = Field(sa_type=String(40), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    role: AdvisorRole = Field(sa_type=String(20), nullable=False)
    # regions live in another service: an id only, no foreign key across databases
    region_id: UUID | None = Field(default=None, index=True)
    manager_id: UUID | None = Field(default=None, foreign_key="advisors.id", index=True)
    level: AdvisorLevel = Field(default=AdvisorLevel.advisor, sa_type=String(20), nullable=False)
    status: AdvisorStatus = Field(default=AdvisorStatus.active, sa_type=String(20), nullable=False)
    hire_date: date | None = Field(default=None)
    mobile: str | None = Field(default=None, sa_type=String(11))
