"""The gateway's own tables: API clients and their keys, and the audit log."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Uuid,
)

from chassis.db import UTCDateTime, make_metadata
from chassis.tables import BigId

metadata = make_metadata()

api_clients = Table(
    "api_clients",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("dealer_ids", JSON, nullable=False),
    # requests per second refilled and bucket size; null → the default for the kind
    Column("rate", Float, nullable=True),
    Column("burst", Integer, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_used_at", UTCDateTime(), nullable=True),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "client_id",
        Uuid,
        ForeignKey("api_clients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # the key's public prefix finds the row; only a SHA-256 of the whole key is stored
    Column("lookup", String(32), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=True),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False, index=True),
    Column("request_id", String(128), nullable=False),
    Column("actor", String(200), nullable=True, index=True),
    Column("actor_kind", String(20), nullable=True),
    Column("method", String(10), nullable=False),
    Column("path", String(2000), nullable=False),
    Column("status", Integer, nullable=False),
    Column("outcome", String(20), nullable=False, index=True),
    Column("detail", String(500), nullable=True),
    Column("client_ip", String(64), nullable=True),
)

__all__ = ["api_clients", "api_keys", "audit_events", "metadata"]
