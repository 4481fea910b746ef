"""Dealers: distributors keyed by their ERP code and registered by unified social credit code,
with their capabilities, contacts and relationship lifecycle; the advisor serving each comes
from advisors' assignments."""

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    Uuid,
    bindparam,
    or_,
    select,
)
from sqlalchemy.orm import column_property
from sqlmodel import Field

from chassis.db import UTCDateTime, new_id, utcnow
from chassis.records import VersionedRecord
from services.dealers.models.base import Base
from services.dealers.models.copies import assignment_copies


class DealerTier(StrEnum):
    core = "core"  # 核心经销商
    ordinary = "ordinary"


class LifecycleStage(StrEnum):
    """The stages of the relationship with a core dealer, in the order it develops."""

    identified = "identified"  # 识别客户，确定目标
    negotiating = "negotiating"  # 沟通说服，达成合作
    partner = "partner"  # 深化关系，构建营销链
    advised = "advised"  # 顾问指导，服务支持
    synergy = "synergy"  # 协同合作，持续发展

    @property
    def rank(self) -> int:
        return list(LifecycleStage).index(self)


class Dealer(Base, VersionedRecord, table=True):
    __tablename__ = "dealers"
    advisor_id: ClassVar[Any]  # read-only, from advisors' assignments (below)

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    uscc: str = Field(sa_type=String(18), unique=True, nullable=False)
    # regions live in another service: an id checked against the local copy, no foreign key
    region_id: UUID = Field(nullable=False, index=True)
    tier: DealerTier = Field(default=DealerTier.ordinary, sa_type=String(20), nullable=False)
    credit_limit: Decimal = Field(default=Decimal("0"), sa_type=Numeric(14, 2), nullable=False)
    contact_name: str | None = Field(default=None, sa_type=String(100))
    contact_mobile: str | None = Field(default=None, sa_type=String(11))
    warehouse_m2: int | None = Field(default=None)
    vehicles: int | None = Field(default=None)
    sales_staff: int | None = Field(default=None)
    annual_turnover: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    contacts: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    lifecycle_stage: LifecycleStage = Field(
        default=LifecycleStage.identified,
        sa_column=Column(String(20), nullable=False, index=True, server_default="identified"),
    )


def _main_advisor_today() -> Any:
    """The advisor of the dealer's main assignment in force today (UTC), from the copy of
    advisors' assignments: read with the dealer, never written by it."""
    a = assignment_copies.c
    today = bindparam("today", callable_=lambda: datetime.now(UTC).date(), type_=Date)
    return (
        select(a.advisor_id)
        .where(
            a.account_id == Dealer.__table__.c.id,  # type: ignore[attr-defined]
            a.account_kind == "dealer",
            a.is_main,
            ~a.deleted,
            a.from_date <= today,
            or_(a.to_date.is_(None), a.to_date >= today),
        )
        .order_by(a.from_date.desc())
        .limit(1)
        .correlate_except(assignment_copies)
        .scalar_subquery()
    )


# Loaded with every dealer and usable as a filter; a dealer's own flush never expires it.
Dealer.advisor_id = column_property(_main_advisor_today(), expire_on_flush=False)


class StageTransition(Base, table=True):
    """One move of a dealer's lifecycle stage: when, why and by whom."""

    __tablename__ = "dealer_stage_transitions"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    dealer_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("dealers.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    from_stage: str = Field(sa_type=String(20), nullable=False)
    to_stage: str = Field(sa_type=String(20), nullable=False)
    transitioned_on: date = Field(sa_type=Date, nullable=False)
    reason: str | None = Field(default=None, sa_type=Text)
    actor: str = Field(sa_type=String(200), nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
