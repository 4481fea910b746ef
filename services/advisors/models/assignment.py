"""An advisor's book of accounts (dealers and outlets, by id) over time."""

from datetime import date
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Index, String, text
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.advisors.models.base import Base


class AccountKind(StrEnum):
    dealer = "dealer"
    outlet = "outlet"


class Assignment(Base, VersionedRecord, table=True):
    __tablename__ = "assignments"
    __table_args__ = (
        # the backstop of "one main advisor at a time": at most one open main assignment
        Index(
            "ix_assignments_open_main",
            "account_id",
            unique=True,
            sqlite_where=text("is_main AND to_date IS NULL"),
            postgresql_where=text("is_main AND to_date IS NULL"),
        ),
    )

    advisor_id: UUID = Field(foreign_key="advisors.id", index=True, nullable=False)
    account_kind: AccountKind = Field(sa_type=String(10), nullable=False)
    # dealers and outlets live in the dealers service: an id, checked against advisors' copy
    account_id: UUID = Field(index=True, nullable=False)
    is_main: bool = Field(default=True, nullable=False)
    from_date: date = Field(nullable=False)
    to_date: date | None = Field(default=None)
