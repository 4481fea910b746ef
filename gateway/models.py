"""The gateway's own tables: API clients and their keys, the audit log, and webhooks (endpoints,
deliveries with their attempts, and the dispatcher's cursor per service feed)."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
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

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "client_id",
        Uuid,
        ForeignKey("api_clients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("url", String(2000), nullable=False),
    # null: every event type the client may see
    Column("event_types", JSON, nullable=True),
    # Standard Webhooks form, `whsec_<base64>`; kept to sign, shown only at creation
    Column("secret", String(100), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "endpoint_id",
        Uuid,
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", String(100), nullable=False, index=True),
    Column("feed", String(20), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    # pending, succeeded, retrying, dead
    Column("status", String(20), nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("endpoint_id", "event_id"),
)
Index(
    "ix_webhook_deliveries_due", webhook_deliveries.c.status, webhook_deliveries.c.next_attempt_at
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "delivery_id",
        Uuid,
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("at", UTCDateTime(), nullable=False),
    Column("http_status", Integer, nullable=True),
    Column("error", String(500), nullable=True),
    Column("duration_ms", Integer, nullable=False),
)

feed_cursors = Table(
    "feed_cursors",
    metadata,
    Column("feed", String(20), primary_key=True),
    Column("position", String(64), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

__all__ = [
    "api_clients",
    "api_keys",
    "audit_events",
    "feed_cursors",
    "metadata",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_endpoints",
]
