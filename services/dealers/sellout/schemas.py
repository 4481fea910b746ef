"""Request and response models for `/v1/sell-out-reports`."""

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Money, MoneyOut, PastDate, RequestModel, ResponseModel
from services.dealers.fields import Count
from services.dealers.models import LocationType


class SellOutCreate(RequestModel):
    location_id: Id = Field(description="A dealer's id (its warehouse) or an outlet's id")
    product_id: Id
    day: PastDate
    quantity: Count
    amount: Money


class SellOutPublic(ResponseModel):
    id: UUID
    location_id: UUID
    location_type: LocationType
    dealer_id: UUID
    region_id: UUID
    product_id: UUID
    day: date
    quantity: int
    amount: MoneyOut
    version: int
    created_at: datetime
    updated_at: datetime


SellOutPage = Page[SellOutPublic]
