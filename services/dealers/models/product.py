"""Products: the manufacturer's SKUs, keyed by SKU code, with GTIN and list price."""

from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class Product(Base, VersionedRecord, table=True):
    __tablename__ = "products"

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    gtin: str | None = Field(default=None, sa_type=String(14), unique=True)
    name: str = Field(sa_type=String(200), nullable=False)
    unit: str = Field(sa_type=String(20), nullable=False)
    pack_size: int = Field(default=1, nullable=False)
    list_price: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
