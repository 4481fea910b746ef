"""HTTP route of `/v1/audit-events` (admin scope)."""

from typing import Annotated

from fastapi import Query, Request

from chassis.db import SessionDep
from chassis.pagination import Cursor, Limit
from chassis.types import Timestamp
from gateway.admin.access import Admin, admin_router
from gateway.admin.audit import service
from gateway.admin.audit.schemas import AuditEvent, AuditPage

audit = admin_router("/v1/audit-events")


@audit.get(
    "", response_model=AuditPage, summary="Read the audit log", operation_id="audit_events_list"
)
async def list_audit(
    request: Request,
    session: SessionDep,
    _: Admin,
    limit: Limit = 50,
    cursor: Cursor = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    outcome: Annotated[str | None, Query(pattern="^(ok|denied|rejected|error)$")] = None,
    since: Annotated[Timestamp | None, Query(description="Events at or after this instant")] = None,
    until: Annotated[Timestamp | None, Query(description="Events before this instant")] = None,
) -> AuditPage:
    await request.app.state.audit.flush()
    rows, nxt = await service.list_audit(
        session, limit=limit, cursor=cursor, actor=actor, outcome=outcome, since=since, until=until
    )
    return AuditPage(items=[AuditEvent.model_validate(r) for r in rows], next_cursor=nxt)
