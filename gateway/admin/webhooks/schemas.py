"""Request and response models of webhook endpoints and deliveries."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import AfterValidator, Field, WithJsonSchema

from chassis.pagination import Page
from chassis.types import Id, RequestModel, ResponseModel


def _http_url(value: str) -> str:
    """An absolute http(s) URL with a host, no credentials in it and no whitespace."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        raise ValueError("must be an absolute http or https URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http or https URL")
    if parts.username is not None or parts.password is not None:
        raise ValueError("may not hold a user name or password")
    if any(ch.isspace() for ch in value):
        raise ValueError("may not hold whitespace")
    return value


WebhookUrl = Annotated[
    str,
    Field(min_length=1, max_length=2000),
    AfterValidator(_http_url),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "maxLength": 2000,
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
        }
    ),
]
EventType = Annotated[
    str, Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
]
EventTypes = Annotated[
    list[EventType],
    Field(
        min_length=1,
        max_length=100,
        description="Event types to receive (as in the feeds, e.g. `dealer.updated`); "
        "null: every type the client may see",
    ),
]


class WebhookEndpointCreate(RequestModel):
    client_id: Id | None = Field(
        default=None,
        description="The API client the endpoint belongs to: required for an admin, "
        "the caller's own client otherwise",
    )
    url: WebhookUrl
    event_types: EventTypes | None = None
    active: bool = True


class WebhookEndpointUpdate(RequestModel):
    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    active: bool | None = None


class WebhookEndpointPublic(ResponseModel):
    id: UUID
    client_id: UUID
    url: str
    event_types: list[str] | None
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreated(WebhookEndpointPublic):
    secret: str = Field(
        description="The signing secret (`whsec_` + base64), shown only in this response"
    )


class DeliveryStatus(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    retrying = "retrying"
    dead = "dead"


class WebhookDeliveryPublic(ResponseModel):
    id: UUID
    endpoint_id: UUID
    event_id: UUID = Field(description="The event's id, sent as `webhook-id`")
    event_type: str
    feed: str = Field(description="The service whose feed the event came from")
    status: DeliveryStatus
    attempts: int = Field(description="Attempts made since the delivery was (re-)queued")
    next_attempt_at: datetime | None
    last_status: int | None = Field(description="The HTTP status of the last attempt")
    last_error: str | None
    created_at: datetime
    updated_at: datetime


class WebhookAttempt(ResponseModel):
    at: datetime
    http_status: int | None
    error: str | None
    duration_ms: int


class WebhookDeliveryDetail(WebhookDeliveryPublic):
    payload: dict[str, Any] = Field(description="The feed item, sent as the body's `data`")
    attempt_log: list[WebhookAttempt] = Field(description="Every attempt, oldest first")


WebhookEndpointPage = Page[WebhookEndpointPublic]
WebhookDeliveryPage = Page[WebhookDeliveryPublic]
