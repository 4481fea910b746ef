"""Columns every resource table shares: a time-ordered id, a version that is the ETag and makes
concurrent updates fail instead of overwriting each other, and timestamps."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from chassis.db import UTCDateTime, new_id, utcnow


class VersionedRecord(SQLModel):
    id: UUID = Field(default_factory=new_id, primary_key=True)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:
        # UPDATE ... WHERE version = :seen; a concurrent writer gets StaleDataError → 412
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
