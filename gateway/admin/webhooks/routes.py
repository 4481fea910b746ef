"""HTTP routes of `/v1/webhook-endpoints` and `/v1/webhook-deliveries`: admins manage every
client's, an API client with `webhooks:manage` only its own (any other answers 404)."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import IfMatch, set_etag
from chassis.pagination import Cursor, Limit
from gateway.admin.access import WebhookCaller, admin_router, owner
from gateway.admin.webhooks import service
from gateway.admin.webhooks.schemas import (
    DeliveryStatus,
    EventType,
    WebhookDeliveryDetail,
    WebhookDeliveryPage,
    WebhookDeliveryPublic,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointPage,
    WebhookEndpointPublic,
    WebhookEndpointUpdate,
)

endpoints = admin_router("/v1/webhook-endpoints")
deliveries = admin_router("/v1/webhook-deliveries")


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
        session, owner(caller), limit=limit, cursor=cursor, client_id=client_id, active=active
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
    row = await service.create_endpoint(session, owner(caller), body)
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
    return _endpoint(await service.get_endpoint(session, owner(caller), endpoint_id), response)


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
    row = await service.update_endpoint(session, owner(caller), endpoint_id, body, if_match)
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
    await service.delete_endpoint(session, owner(caller), endpoint_id, if_match)
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
        owner(caller),
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
    row = await service.get_delivery(session, owner(caller), delivery_id)
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
    row = await service.retry_delivery(session, owner(caller), delivery_id)
    return WebhookDeliveryDetail.model_validate(row)
