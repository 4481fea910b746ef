"""Market resources and responsibility: budgets with spend, targets with actuals."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Column, Date, ForeignKey, Numeric, String, Text, UniqueConstraint, Uuid
from sqlmodel import Field

from chassis.db import UTCDateTime, new_id, utcnow
from chassis.records import VersionedRecord
from services.regions.models.base import Base


class BudgetCategory(StrEnum):
    advertising = "advertising"
    promotion = "promotion"
    personnel = "personnel"
    subsidies = "subsidies"
    logistics = "logistics"
    other = "other"


class Budget(Base, VersionedRecord, table=True):
    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("region_id", "period", "category"),)

    region_id: UUID = Field(foreign_key="regions.id", index=True, nullable=False)
    period: str = Field(sa_type=String(7), nullable=False, index=True)
    category: BudgetCategory = Field(sa_type=String(20), nullable=False)
    amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)


class SpendEntry(Base, table=True):
    __tablename__ = "spend_entries"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    budget_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("budgets.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    spent_on: date = Field(sa_column=Column(Date, nullable=False))
    amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    actor: str = Field(sa_type=String(200), nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class TargetMetric(StrEnum):
    sales_amount = "sales_amount"
    sales_volume = "sales_volume"
    outlet_coverage = "outlet_coverage"
    new_outlets = "new_outlets"
    market_share = "market_share"

    @property
    def flows(self) -> bool:
        """A flow adds up over months; a level (coverage, share) is read at the period's end."""
        return self in (
            TargetMetric.sales_amount,
            TargetMetric.sales_volume,
            TargetMetric.new_outlets,
        )

    @property
    def additive(self) -> bool:
        """Adds up over the tree; a share does not."""
        return self is not TargetMetric.market_share


class Target(Base, VersionedRecord, table=True):
    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("region_id", "period", "metric"),)

    region_id: UUID = Field(foreign_key="regions.id", index=True, nullable=False)
    period: str = Field(sa_type=String(7), nullable=False, index=True)
    metric: TargetMetric = Field(sa_type=String(20), nullable=False)
    value: Decimal = Field(sa_type=Numeric(16, 2), nullable=False)
    owner_id: UUID | None = Field(default=None, index=True)


class TargetActual(Base, table=True):
    __tablename__ = "target_actuals"
    __table_args__ = (UniqueConstraint("region_id", "period", "metric"),)

    id: UUID = Field(default_factory=new_id, primary_key=True)
    region_id: UUID = Field(foreign_key="regions.id", index=True, nullable=False)
    period: str = Field(sa_type=String(7), nullable=False, index=True)
    metric: TargetMetric = Field(sa_type=String(20), nullable=False)
    value: Decimal = Field(sa_type=Numeric(16, 2), nullable=False)
    source: str = Field(sa_type=String(40), nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
