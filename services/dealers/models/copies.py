"""What this service keeps of other services' records, from their feeds: a copy of regions, a
copy of advisors' assignments, and the references advisors' records hold to our dealers and
outlets."""

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Column, Date, Index, String, Table, TypeDecorator, Uuid

from chassis.copies import copy_table, inbound_table
from services.dealers.models.base import metadata


class CopiedId(TypeDecorator[UUID]):
    """A UUID column that also takes the text form an event or an owner's answer carries."""

    impl = Uuid
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> UUID | None:
        return None if value is None else UUID(str(value))


class CopiedDate(TypeDecorator[date]):
    """A date column that also takes the ISO text form an event carries."""

    impl = Date
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> date | None:
        if value is None or isinstance(value, date):
            return value
        return date.fromisoformat(str(value))


# Copied columns are nullable: a tombstone may arrive for a record the copy never held.
region_copies: Table = copy_table(
    "region_copies",
    metadata,
    Column("code", String(40)),
    Column("name", String(200)),
    Column("level", String(30)),
    Column("parent_id", CopiedId()),
)

# Every assignment of an account, main or not: the dealer's advisor is read from the main one in
# force on the day asked.
assignment_copies: Table = copy_table(
    "assignment_copies",
    metadata,
    Column("advisor_id", CopiedId()),
    Column("account_kind", String(10)),
    Column("account_id", CopiedId()),
    Column("is_main", Boolean),
    Column("from_date", CopiedDate()),
    Column("to_date", CopiedDate()),
)
Index(
    "ix_assignment_copies_account_id_from_date",
    assignment_copies.c.account_id,
    assignment_copies.c.from_date,
)

inbound_references: Table = inbound_table(metadata)
