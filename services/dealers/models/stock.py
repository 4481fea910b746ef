"""Stock and sell-out (进销存): stock reports per location × product at a time, the current
position they make, daily sell-out, replenishment policies and the proposals computed from them.

A location is a dealer's warehouse (the dealer's id) or an outlet (the outlet's id)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Date, Numeric, String, UniqueConstraint
from sqlmodel import Field

from chassis.db import UTCDateTime, new_id, utcnow
from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class LocationType(StrEnum):
    dealer = "dealer"
    outlet = "outlet"


class StockReport(Base, table=True):
    """One reported count; a resend of the same (location, product, as_of) changes nothing."""

    __tablename__ = "stock_reports"
    __table_args__ = (UniqueConstraint("location_id", "product_id", "as_of"),)

    id: UUID = Field(default_factory=new_id, primary_key=True)
    location_id: UUID = Field(nullable=False)
    location_type: LocationType = Field(sa_type=String(10), nullable=False)
    dealer_id: UUID = Field(nullable=False, index=True)
    product_id: UUID = Field(nullable=False, index=True)
    as_of: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    on_hand: int = Field(nullable=False)
    in_transit: int = Field(nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class StockPosition(Base, table=True):
    """The latest report per location × product, and the reorder point last computed for it."""

    __tablename__ = "stock_positions"
    # room on each page for in-place (HOT) updates of counts and reorder points: migration 0008
    __table_args__ = (
        UniqueConstraint("location_id", "product_id"),
        {"postgresql_with": {"fillfactor": 70}},
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    location_id: UUID = Field(nullable=False)
    location_type: LocationType = Field(sa_type=String(10), nullable=False)
    dealer_id: UUID = Field(nullable=False, index=True)
    region_id: UUID = Field(nullable=False, index=True)
    product_id: UUID = Field(nullable=False, index=True)
    as_of: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    on_hand: int = Field(nullable=False)
    in_transit: int = Field(nullable=False)
    reorder_point: Decimal | None = Field(default=None, sa_type=Numeric(14, 4))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class SellOutReport(Base, VersionedRecord, table=True):
    """Quantity and amount sold per location × product × day; a resend replaces the figure."""

    __tablename__ = "sell_out_reports"
    __table_args__ = (UniqueConstraint("location_id", "product_id", "day"),)

    location_id: UUID = Field(nullable=False)
    location_type: LocationType = Field(sa_type=String(10), nullable=False)
    dealer_id: UUID = Field(nullable=False, index=True)
    region_id: UUID = Field(nullable=False, index=True)
    product_id: UUID = Field(nullable=False, index=True)
    day: date = Field(sa_type=Date, nullable=False)
    quantity: int = Field(nullable=False)
    amount: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
