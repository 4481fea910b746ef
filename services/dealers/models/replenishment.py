"""Replenishment: policies per location × product or per outlet grade, and the proposals computed
from them, each carrying its inputs and figures."""

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Date, Float, String
from sqlmodel import Field

from chassis.db import UTCDateTime, new_id, utcnow
from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class ReplenishmentPolicy(Base, VersionedRecord, table=True):
    """Either a location × product policy or the default of an outlet grade (`scope` is unique:
    `location:<id>:<product id>` or `grade:<grade>`)."""

    __tablename__ = "replenishment_policies"

    scope: str = Field(sa_type=String(100), unique=True, nullable=False)
    location_id: UUID | None = Field(default=None, index=True)
    product_id: UUID | None = Field(default=None)
    dealer_id: UUID | None = Field(default=None, index=True)
    outlet_grade: str | None = Field(default=None, sa_type=String(1))
    lead_time_days: int = Field(nullable=False)
    review_period_days: int = Field(nullable=False)
    service_level: float = Field(sa_type=Float, nullable=False)
    min_quantity: int | None = Field(default=None)
    max_quantity: int | None = Field(default=None)
    order_multiple: int = Field(default=1, nullable=False)
    minimum_order_quantity: int = Field(default=0, nullable=False)


class ReplenishmentProposal(Base, table=True):
    """One location × product of one computation, with what it was computed from."""

    __tablename__ = "replenishment_proposals"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    computation_id: UUID = Field(nullable=False, index=True)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    location_id: UUID = Field(nullable=False, index=True)
    location_type: str = Field(sa_type=String(10), nullable=False)
    dealer_id: UUID = Field(nullable=False, index=True)
    region_id: UUID = Field(nullable=False)
    product_id: UUID = Field(nullable=False, index=True)
    as_of: date = Field(sa_type=Date, nullable=False)
    window_days: int = Field(nullable=False)
    policy_id: UUID | None = Field(default=None)
    policy_source: str = Field(sa_type=String(20), nullable=False)
    lead_time_days: int = Field(nullable=False)
    review_period_days: int = Field(nullable=False)
    service_level: float = Field(sa_type=Float, nullable=False)
    z: float = Field(sa_type=Float, nullable=False)
    min_quantity: int | None = Field(default=None)
    max_quantity: int | None = Field(default=None)
    order_multiple: int = Field(nullable=False)
    minimum_order_quantity: int = Field(nullable=False)
    mean_daily_demand: float = Field(sa_type=Float, nullable=False)
    demand_std_dev: float = Field(sa_type=Float, nullable=False)
    on_hand: int = Field(nullable=False)
    in_transit: int = Field(nullable=False)
    open_orders: int = Field(nullable=False)
    inventory_position: int = Field(nullable=False)
    safety_stock: float = Field(sa_type=Float, nullable=False)
    reorder_point: float = Field(sa_type=Float, nullable=False)
    order_up_to: float = Field(sa_type=Float, nullable=False)
    reorder: bool = Field(nullable=False)
    proposed_quantity: int = Field(nullable=False)
    days_of_cover: float | None = Field(default=None, sa_type=Float)
    stock_out: bool = Field(nullable=False)
