"""The audit log's response models."""

from datetime import datetime

from chassis.pagination import Page
from chassis.types import ResponseModel


class AuditEvent(ResponseModel):
    id: int
    at: datetime
    request_id: str
    actor: str | None
    actor_kind: str | None
    method: str
    path: str
    status: int
    outcome: str
    detail: str | None
    client_ip: str | None


AuditPage = Page[AuditEvent]
