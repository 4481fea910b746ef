"""Outlets (终端): the retailers a dealer supplies, and the history of who supplied them."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Column, Date, ForeignKey, Numeric, String, Text, Uuid
from sqlmodel import Field

from chassis.db import UTCDateTime, new_id, utcnow
from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class OutletType(StrEnum):
    supermarket = "supermarket"
    convenience = "convenience"
    specialty = "specialty"
    wholesale = "wholesale"
    other = "other"


class OutletGrade(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class OutletStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    closed = "closed"


class Outlet(Base, VersionedRecord, table=True):
    __tablename__ = "outlets"

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    type: OutletType = Field(sa_type=String(20), nullable=False)
    grade: OutletGrade = Field(sa_type=String(1), nullable=False, index=True)
    region_id: UUID = Field(nullable=False, index=True)
    address: str | None = Field(default=None, sa_type=String(300))
    latitude: Decimal | None = Field(default=None, sa_type=Numeric(9, 6))
    longitude: Decimal | None = Field(default=None, sa_type=Numeric(9, 6))
    dealer_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("dealers.id"), nullable=False, index=True)
    )
    status: OutletStatus = Field(sa_type=String(20), nullable=False, index=True)
    joined_on: date | None = Field(default=None, sa_type=Date)
    closed_on: date | None = Field(default=None, sa_type=Date)
    credit_limit: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))


class OutletMove(Base, table=True):
    """An outlet handed from one supplying dealer to another."""

    __tablename__ = "outlet_moves"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    outlet_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("outlets.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    from_dealer_id: UUID = Field(nullable=False)
    to_dealer_id: UUID = Field(nullable=False)
    moved_on: date = Field(sa_type=Date, nullable=False)
    reason: str | None = Field(default=None, sa_type=Text)
    actor: str = Field(sa_type=String(200), nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
