"""What advisors keeps of other services' records, from their feeds: copies of the regions,
dealers and outlets it refers to, and the references regions' records hold to advisors."""

from typing import Any
from uuid import UUID

from sqlalchemy import Column, Float, String, TypeDecorator
from sqlalchemy import Uuid as UuidType

from chassis.copies import copy_table, inbound_table
from services.advisors.models.base import metadata


class CopiedId(TypeDecorator[UUID]):
    """An id as events and the owners' answers carry it (a JSON string) or as a UUID."""

    impl = UuidType
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> UUID | None:
        return None if value is None or isinstance(value, UUID) else UUID(str(value))


def _code() -> Column[Any]:
    return Column("code", String(40))


def _name() -> Column[Any]:
    return Column("name", String(200))


REGION_COPIES = copy_table(
    "region_copies",
    metadata,
    _code(),
    _name(),
    Column("level", String(30)),
    Column("parent_id", CopiedId()),
)
DEALER_COPIES = copy_table(
    "dealer_copies",
    metadata,
    _code(),
    _name(),
    Column("region_id", CopiedId()),
    Column("lifecycle_stage", String(30)),
)
OUTLET_COPIES = copy_table(
    "outlet_copies",
    metadata,
    _code(),
    _name(),
    Column("region_id", CopiedId()),
    Column("dealer_id", CopiedId(), index=True),  # the supplying dealer
    Column("latitude", Float),
    Column("longitude", Float),
    Column("status", String(30)),
)
INBOUND_REFERENCES = inbound_table(metadata)
