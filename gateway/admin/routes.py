"""HTTP routes of the admin API: `/v1/api-clients`, `/v1/audit-events`, `/v1/webhook-endpoints`
and `/v1/webhook-deliveries`."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response, Security, status

from chassis.db import SessionDep
from chassis.errors import Forbidden, problem_responses
from chassis.etag import set_etag
from chassis.identity import Principal, _ScopeGuard, current_principal, require_scopes
from chassis.pagination import Cursor, Limit
from gateway.admin import service
from gateway.admin.schemas import (
    ApiClientCreate,
    ApiClientIssued,
    ApiClientPage,
    ApiClientPublic,
    ApiClientUpdate,
    ApiKeyList,
    AuditEvent,
    AuditPage,
    ClientKind,
    DeliveryStatus,
    EventType,
    IssuedKey,
    KeyRotation,
    WebhookDeliveryDetail,
    WebhookDeliveryPage,
    WebhookDeliveryPublic,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointPage,
    WebhookEndpointPublic,
    WebhookEndpointUpdate,
)

Admin = Annotated[Principal, require_scopes("admin")]
IfMatch = Annotated[str | None, Header(description="The ETag of the version being changed")]
clients = APIRouter(
    prefix="/v1/api-clients", tags=["gateway"], responses=problem_responses(401, 403, 422)
)
audit = APIRouter(
    prefix="/v1/audit-events", tags=["gateway"], responses=problem_responses(401, 403, 422)
)


WEBHOOKS_SCOPE = "webhooks:manage"
CLIENT_KINDS = frozenset({"erp", "partner", "integration"})


class _WebhookGuard(_ScopeGuard):
    """Admins manage every client's webhooks; an API client holding `webhooks:manage` manages
    only its own. The contract declares `webhooks:manage`; `admin` passes too."""

    def __init__(self) -> None:
        super().__init__((WEBHOOKS_SCOPE,))

    async def __call__(self, request: Request) -> Principal:
        principal = current_principal(request)
        if "admin" in principal.scopes:
            return principal
        if WEBHOOKS_SCOPE not in principal.scopes:
            raise Forbidden(f"Missing scope: {WEBHOOKS_SCOPE}", missing_scopes=[WEBHOOKS_SCOPE])
        if principal.kind not in CLIENT_KINDS or not principal.subject.startswith("client:"):
            raise Forbidden("Only API clients manage their own webhooks; admins manage any.")
        return principal


WebhookCaller = Annotated[Principal, Security(_WebhookGuard(), scopes=[WEBHOOKS_SCOPE])]


def _owner(principal: Principal) -> UUID | None:
    """The API client whose webhooks the caller may manage; None: an admin, every client's."""
    if "admin" in principal.scopes:
        return None
    return UUID(principal.subject.removeprefix("client:"))


endpoints = APIRouter(
    prefix="/v1/webhook-endpoints", tags=["gateway"], responses=problem_responses(401, 403, 422)
)
deliveries = APIRouter(
    prefix="/v1/webhook-deliveries", tags=["gateway"], responses=problem_responses(401, 403, 422)
)


def _public(row: dict[str, Any], response: Response | None = None) -> ApiClientPublic:
    if response is not None:
        set_etag(response, row["version"])
    return ApiClientPublic.model_validate(row)


@clients.get(
    "", response_model=ApiClientPage, summary="List API clients", operation_id="api_clients_list"
)
async def list_clients(
    session: SessionDep,
    _: Admin,
    limit: Limit = 50,
    cursor: Cursor = None,
    kind: ClientKind | None = None,
    active: bool | None = None,
) -> ApiClientPage:
    rows, nxt = await service.list_clients(
        session, limit=limit, cursor=cursor, kind=kind, active=active
    )
    return ApiClientPage(items=[_public(r) for r in rows], next_cursor=nxt)


@clients.post(
    "",
    response_model=ApiClientIssued,
    status_code=status.HTTP_201_CREATED,
    summary="Create an API client and its first key (shown once)",
    operation_id="api_clients_create",
    responses=problem_responses(409),
)
async def create_client(
    body: ApiClientCreate, session: SessionDep, _: Admin, response: Response
) -> ApiClientIssued:
    row, key = await service.create_client(session, body)
    response.headers["Location"] = f"/v1/api-clients/{row['id']}"
    response.headers["Cache-Control"] = "no-store"
    return ApiClientIssued.model_validate(_public(row, response).model_dump() | {"key": key})


@clients.get(
    "/{client_id}",
    response_model=ApiClientPublic,
    summary="Get an API client",
    operation_id="api_clients_get",
    responses=problem_responses(404),
)
async def get_client(
    client_id: UUID, session: SessionDep, _: Admin, response: Response
) -> ApiClientPublic:
    return _public(await service.get_client(session, client_id), response)


@clients.patch(
    "/{client_id}",
    response_model=ApiClientPublic,
    summary="Change an API client's scopes, dealers, limits or active flag",
    operation_id="api_clients_update",
    responses=problem_responses(404, 412, 428),
)
async def update_client(
    request: Request,
    client_id: UUID,
    body: ApiClientUpdate,
    session: SessionDep,
    _: Admin,
    response: Response,
    if_match: IfMatch = None,
) -> ApiClientPublic:
    row = await service.update_client(session, client_id, body, if_match)
    request.app.state.keys.forget()
    return _public(row, response)


@clients.delete(
    "/{client_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an API client and all its keys",
    operation_id="api_clients_delete",
    responses=problem_responses(404, 412, 428),
)
async def delete_client(
    request: Request, client_id: UUID, session: SessionDep, _: Admin, if_match: IfMatch = None
) -> Response:
    await service.delete_client(session, client_id, if_match)
    request.app.state.keys.forget()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@clients.get(
    "/{client_id}/keys",
    response_model=ApiKeyList,
    summary="List an API client's keys (never the secrets)",
    operation_id="api_client_keys_list",
    responses=problem_responses(404),
)
async def list_keys(client_id: UUID, session: SessionDep, _: Admin) -> ApiKeyList:
    return ApiKeyList(items=await service.list_keys(session, client_id), next_cursor=None)


@clients.post(
    "/{client_id}/keys",
    response_model=IssuedKey,
    status_code=status.HTTP_201_CREATED,
    summary="Rotate: issue a new key; older keys keep working for the overlap",
    operation_id="api_client_keys_rotate",
    responses=problem_responses(404),
)
async def rotate_key(
    request: Request,
    client_id: UUID,
    body: KeyRotation,
    session: SessionDep,
    _: Admin,
    response: Response,
) -> IssuedKey:
    await service.get_client(session, client_id)
    key = await service.issue_key(session, client_id, overlap_seconds=body.overlap_seconds)
    request.app.state.keys.forget()
    response.headers["Cache-Control"] = "no-store"
    return key


@clients.delete(
    "/{client_id}/keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a key at once",
    operation_id="api_client_keys_revoke",
    responses=problem_responses(404),
)
async def revoke_key(
    request: Request, client_id: UUID, key_id: UUID, session: SessionDep, _: Admin
) -> Response:
    await service.revoke_key(session, client_id, key_id)
    request.app.state.keys.forget()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditPage:
    await request.app.state.audit.flush()
    rows, nxt = await service.list_audit(
        session, limit=limit, cursor=cursor, actor=actor, outcome=outcome, since=since, until=until
    )
    return AuditPage(items=[AuditEvent.model_validate(r) for r in rows], next_cursor=nxt)


def _endpoint(row: dict[str, Any], response: Response | None = None) -> WebhookEndpointPublic:
    if response is not None:
        set_etag(response, row["version"])
    return WebhookEndpointPublic.model_validate(row)


@endpoints.get(
    "",
    response_model=WebhookEndpointPage,
    summary="List webhook endpoints (an API client sees only its own)",
    operation_id="webhook_endpoints_list",
)
async def list_endpoints(
    session: SessionDep,
    caller: WebhookCaller,
    limit: Limit = 50,
    cursor: Cursor = None,
    client_id: UUID | None = None,
    active: bool | None = None,
) -> WebhookEndpointPage:
    rows, nxt = await service.list_endpoints(
        session, _owner(caller), limit=limit, cursor=cursor, client_id=client_id, active=active
    )
    return WebhookEndpointPage(items=[_endpoint(r) for r in rows], next_cursor=nxt)


@endpoints.post(
    "",
    response_model=WebhookEndpointCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Register a webhook endpoint; its signing secret is shown once",
    operation_id="webhook_endpoints_create",
    responses=problem_responses(404),
)
async def create_endpoint(
    body: WebhookEndpointCreate, session: SessionDep, caller: WebhookCaller, response: Response
) -> WebhookEndpointCreated:
    row = await service.create_endpoint(session, _owner(caller), body)
    response.headers["Location"] = f"/v1/webhook-endpoints/{row['id']}"
    response.headers["Cache-Control"] = "no-store"
    public = _endpoint(row, response).model_dump()
    return WebhookEndpointCreated.model_validate(public | {"secret": row["secret"]})


@endpoints.get(
    "/{endpoint_id}",
    response_model=WebhookEndpointPublic,
    summary="Get a webhook endpoint (never its secret)",
    operation_id="webhook_endpoints_get",
    responses=problem_responses(404),
)
async def get_endpoint(
    endpoint_id: UUID, session: SessionDep, caller: WebhookCaller, response: Response
) -> WebhookEndpointPublic:
    return _endpoint(await service.get_endpoint(session, _owner(caller), endpoint_id), response)


@endpoints.patch(
    "/{endpoint_id}",
    response_model=WebhookEndpointPublic,
    summary="Change a webhook endpoint's URL, event types or active flag",
    operation_id="webhook_endpoints_update",
    responses=problem_responses(404, 412, 428),
)
async def update_endpoint(
    endpoint_id: UUID,
    body: WebhookEndpointUpdate,
    session: SessionDep,
    caller: WebhookCaller,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookEndpointPublic:
    row = await service.update_endpoint(session, _owner(caller), endpoint_id, body, if_match)
    return _endpoint(row, response)


@endpoints.delete(
    "/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a webhook endpoint and its delivery log",
    operation_id="webhook_endpoints_delete",
    responses=problem_responses(404, 412, 428),
)
async def delete_endpoint(
    endpoint_id: UUID, session: SessionDep, caller: WebhookCaller, if_match: IfMatch = None
) -> Response:
    await service.delete_endpoint(session, _owner(caller), endpoint_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@deliveries.get(
    "",
    response_model=WebhookDeliveryPage,
    summary="Read the webhook delivery log (an API client sees only its own endpoints')",
    operation_id="webhook_deliveries_list",
)
async def list_deliveries(
    session: SessionDep,
    caller: WebhookCaller,
    limit: Limit = 50,
    cursor: Cursor = None,
    endpoint_id: UUID | None = None,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    event_type: Annotated[EventType | None, Query()] = None,
) -> WebhookDeliveryPage:
    rows, nxt = await service.list_deliveries(
        session,
        _owner(caller),
        limit=limit,
        cursor=cursor,
        endpoint_id=endpoint_id,
        status=status.value if status else None,
        event_type=event_type,
    )
    return WebhookDeliveryPage(
        items=[WebhookDeliveryPublic.model_validate(r) for r in rows], next_cursor=nxt
    )


@deliveries.get(
    "/{delivery_id}",
    response_model=WebhookDeliveryDetail,
    summary="Get a webhook delivery with its payload and every attempt",
    operation_id="webhook_deliveries_get",
    responses=problem_responses(404),
)
async def get_delivery(
    delivery_id: UUID, session: SessionDep, caller: WebhookCaller
) -> WebhookDeliveryDetail:
    row = await service.get_delivery(session, _owner(caller), delivery_id)
    return WebhookDeliveryDetail.model_validate(row)


@deliveries.post(
    "/{delivery_id}/retry",
    response_model=WebhookDeliveryDetail,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Re-queue a dead delivery for a fresh round of attempts",
    operation_id="webhook_deliveries_retry",
    responses=problem_responses(404, 409),
)
async def retry_delivery(
    delivery_id: UUID, session: SessionDep, caller: WebhookCaller
) -> WebhookDeliveryDetail:
    row = await service.retry_delivery(session, _owner(caller), delivery_id)
    return WebhookDeliveryDetail.model_validate(row)
