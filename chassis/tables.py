"""Tables the chassis adds to every service's own metadata: the outbox, idempotency keys and the
positions of the feeds the service follows."""

from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
)

from chassis.db import UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class ChassisTables:
    outbox: Table
    idempotency: Table
    cursors: Table


def add_chassis_tables(metadata: MetaData) -> ChassisTables:
    outbox = Table(
        "outbox_events",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("type", String(100), nullable=False, index=True),
        Column("occurred_at", UTCDateTime(), nullable=False),
        Column("data", JSON, nullable=False),
        Column("dealer_ids", JSON, nullable=True),
        # the writing transaction's id (PostgreSQL): the feed serves only settled transactions
        Column("txid", BigInteger, nullable=True, index=True),
    )
    idempotency = Table(
        "idempotency_keys",
        metadata,
        Column("caller", String(200), primary_key=True),
        Column("key", String(255), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("state", String(16), nullable=False),
        Column("status", Integer, nullable=True),
        Column("headers", JSON, nullable=True),
        Column("body", LargeBinary, nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
    )
    cursors = Table(
        "consumer_cursors",
        metadata,
        # the followed feed's name; its position moves in the transaction that applies events
        Column("feed", String(100), primary_key=True),
        Column("position", String(64), nullable=False),
        Column("applied", BigInteger, nullable=False),
        Column("last_event_at", UTCDateTime(), nullable=True),
        Column("updated_at", UTCDateTime(), nullable=False),
    )
    return ChassisTables(outbox=outbox, idempotency=idempotency, cursors=cursors)
