"""KPI schemes, recorded sales figures and the assessments computed from them (考核与激励)."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, Numeric, String, UniqueConstraint
from sqlmodel import Field

from chassis.db import UTCDateTime
from chassis.records import VersionedRecord
from services.advisors.models.base import Base


class Kpi(StrEnum):
    visit_plan_adherence = "visit_plan_adherence"  # % of planned visits made
    report_completion = "report_completion"  # % of visits made that were reported
    account_coverage = "account_coverage"  # % of assigned accounts with a reported visit
    customer_facing_share = "customer_facing_share"  # % of logged hours at customers
    sales_achievement = "sales_achievement"  # % of the sales target reached
    new_outlets = "new_outlets"  # outlets opened (a count)
    receivables_collected = "receivables_collected"  # % of receivables due collected
    training_completion = "training_completion"  # % of the month's enrolments passed


class AssessmentState(StrEnum):
    open = "open"  # recomputed on demand
    locked = "locked"  # its figures are final


class KpiScheme(Base, VersionedRecord, table=True):
    __tablename__ = "kpi_schemes"

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    base_amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    # [{"kpi", "weight", "rule": "linear"|"bands", "target", "bands": [{"min", "score"}]}]
    kpis: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    # lowest weighted score per grade, e.g. {"A": "90", "B": "75", "C": "60"}; below C is D
    grade_bands: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    grade_coefficients: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class AdvisorSales(Base, VersionedRecord, table=True):
    """Sales figures recorded per advisor and month, the source of the sales KPIs."""

    __tablename__ = "advisor_sales"
    __table_args__ = (UniqueConstraint("advisor_id", "period"),)

    advisor_id: UUID = Field(foreign_key="advisors.id", nullable=False)
    period: str = Field(sa_type=String(7), nullable=False, index=True)
    sales_target: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    sales_actual: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    new_outlets: int = Field(default=0, nullable=False)
    receivables_due: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2), nullable=False)
    receivables_collected: Decimal = Field(
        default=Decimal(0), sa_type=Numeric(14, 2), nullable=False
    )


class Assessment(Base, VersionedRecord, table=True):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("advisor_id", "scheme_id", "period"),)

    advisor_id: UUID = Field(foreign_key="advisors.id", nullable=False)
    scheme_id: UUID = Field(foreign_key="kpi_schemes.id", index=True, nullable=False)
    period: str = Field(sa_type=String(7), nullable=False, index=True)
    # [{"kpi", "weight", "value", "score", "weighted"}] as strings
    kpis: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    score: Decimal = Field(sa_type=Numeric(7, 2), nullable=False)
    grade: str = Field(sa_type=String(1), nullable=False)
    incentive: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    locked: bool = Field(default=False, nullable=False)
    computed_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
