"""Dealers: distributors keyed by their ERP code and registered by unified social credit code."""

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Numeric, String
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class DealerTier(StrEnum):
    core = "core"  # 核心经销商
    ordinary = "ordinary"


class Dealer(Base, VersionedRecord, table=True):
    __tablename__ = "dealers"

    code: str = Field(sa_type=String(40), unique=True, nullable=False)
    name: str = Field(sa_type=String(200), nullable=False)
    uscc: str = Field(sa_type=String(18), unique=True, nullable=False)
    # regions and advisors live in other services: ids only, no foreign keys across databases
    region_id: UUID = Field(nullable=False, index=True)
    tier: DealerTier = Field(default=DealerTier.ordinary, sa_type=String(20), nullable=False)
    credit_limit: Decimal = Field(default=Decimal("0"), sa_type=Numeric(14, 2), nullable=False)
    advisor_id: UUID | None = Field(default=None, index=True)
    contact_name: str | None = Field(default=None, sa_type=String(100))
    contact_mobile: str | None = Field(default=None, sa_type=String(11))
