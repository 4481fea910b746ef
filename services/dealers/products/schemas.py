"""Request and response models for `/v1/products`."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Money, MoneyOut, Name, RequestModel, ResponseModel
from services.dealers.fields import Code, Gtin, Unit

PackSize = Annotated[int, Field(ge=1, le=1_000_000, description="Units per pack")]


class ProductCreate(RequestModel):
    code: Code = Field(description="The SKU code")
    gtin: Gtin | None = Field(default=None, description="GTIN-8/12/13/14, check digit verified")
    name: Name
    unit: Unit = Field(examples=["箱"])
    pack_size: PackSize = 1
    list_price: Money


class ProductUpdate(RequestModel):
    gtin: Gtin | None = None
    name: Name | None = None
    unit: Unit | None = Field(default=None, examples=["箱"])
    pack_size: PackSize | None = None
    list_price: Money | None = None


class ProductPublic(ResponseModel):
    id: UUID
    code: str
    gtin: str | None
    name: str
    unit: str
    pack_size: int
    list_price: MoneyOut
    version: int
    created_at: datetime
    updated_at: datetime


ProductPage = Page[ProductPublic]
