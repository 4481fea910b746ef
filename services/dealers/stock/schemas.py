"""Request and response models for `/v1/stock-reports` and `/v1/stock-positions`."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, PastTimestamp, RequestModel, ResponseModel
from services.dealers.fields import Count
from services.dealers.models import LocationType


class StockReportCreate(RequestModel):
    location_id: Id = Field(description="A dealer's id (its warehouse) or an outlet's id")
    product_id: Id
    as_of: PastTimestamp = Field(description="When the stock was counted")
    on_hand: Count
    in_transit: Count = 0


class StockReportPublic(ResponseModel):
    id: UUID
    location_id: UUID
    location_type: LocationType
    dealer_id: UUID
    product_id: UUID
    as_of: datetime
    on_hand: int
    in_transit: int
    created_at: datetime


StockReportPage = Page[StockReportPublic]


class StockPositionPublic(ResponseModel):
    id: UUID
    location_id: UUID
    location_type: LocationType
    dealer_id: UUID
    region_id: UUID
    product_id: UUID
    as_of: datetime
    on_hand: int
    in_transit: int
    reorder_point: Decimal | None = Field(
        description="From the latest proposal computed for this location and product"
    )
    updated_at: datetime


StockPositionPage = Page[StockPositionPublic]
