"""HTTP routes of `/v1/api-clients` and their keys (admin scope)."""

from typing import Any
from uuid import UUID

from fastapi import Request, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import IfMatch, set_etag
from chassis.pagination import Cursor, Limit
from gateway.admin.access import Admin, admin_router
from gateway.admin.clients import keys, service
from gateway.admin.clients.schemas import (
    ApiClientCreate,
    ApiClientIssued,
    ApiClientPage,
    ApiClientPublic,
    ApiClientUpdate,
    ApiKeyList,
    ClientKind,
    IssuedKey,
    KeyRotation,
)

clients = admin_router("/v1/api-clients")


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
    await service.get_client(session, client_id)
    return ApiKeyList(items=await keys.list_keys(session, client_id), next_cursor=None)


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
    key = await keys.issue_key(session, client_id, overlap_seconds=body.overlap_seconds)
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
    await keys.revoke_key(session, client_id, key_id)
    request.app.state.keys.forget()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
