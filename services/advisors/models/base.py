"""The service's own metadata, its table base class and the chassis tables (outbox, idempotency)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from chassis.db import make_metadata
from chassis.tables import add_chassis_tables

metadata = make_metadata()
tables = add_chassis_tables(metadata)


class Base(SQLModel, registry=registry(metadata=metadata)):
    pass
