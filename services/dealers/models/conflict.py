"""Channel conflicts (窜货, price undercutting...) between dealers and outlets, investigated to a
resolution or dismissed."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import JSON, Column, Date, ForeignKey, Numeric, String, Text, Uuid
from sqlmodel import Field

from chassis.db import new_id
from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class ConflictType(StrEnum):
    cross_region_selling = "cross_region_selling"  # 窜货
    price_undercutting = "price_undercutting"
    territory_overlap = "territory_overlap"
    other = "other"


class ConflictStatus(StrEnum):
    open = "open"
    investigating = "investigating"
    resolved = "resolved"
    dismissed = "dismissed"


# open → investigating → resolved | dismissed (an open case may be dismissed at once)
NEXT_STATUS: dict[ConflictStatus, frozenset[ConflictStatus]] = {
    ConflictStatus.open: frozenset({ConflictStatus.investigating, ConflictStatus.dismissed}),
    ConflictStatus.investigating: frozenset({ConflictStatus.resolved, ConflictStatus.dismissed}),
    ConflictStatus.resolved: frozenset(),
    ConflictStatus.dismissed: frozenset(),
}


class ChannelConflict(Base, VersionedRecord, table=True):
    __tablename__ = "conflicts"

    type: str = Field(sa_type=String(30), nullable=False, index=True)
    region_id: UUID = Field(nullable=False, index=True)
    reported_on: date = Field(sa_type=Date, nullable=False)
    description: str = Field(sa_type=Text, nullable=False)
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="open", sa_type=String(20), nullable=False, index=True)
    resolution: str | None = Field(default=None, sa_type=Text)
    penalty: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    reported_by: str = Field(sa_type=String(200), nullable=False)


class ConflictParty(Base, table=True):
    """A dealer or an outlet involved; an outlet's party row also names its supplying dealer,
    so that partner isolation and "by party" filters are one join."""

    __tablename__ = "conflict_parties"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    conflict_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("conflicts.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    dealer_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("dealers.id"), nullable=False, index=True)
    )
    outlet_id: UUID | None = Field(
        default=None, sa_column=Column(Uuid, ForeignKey("outlets.id"), nullable=True, index=True)
    )
    role: str = Field(sa_type=String(20), nullable=False)
