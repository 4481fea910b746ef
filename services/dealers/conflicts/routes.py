"""HTTP routes of `/v1/conflicts`: channel conflicts listed by region, party and status."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.dealers.conflicts import service
from services.dealers.conflicts.schemas import (
    ConflictCreate,
    ConflictPage,
    ConflictPublic,
    ConflictUpdate,
)
from services.dealers.deps import (
    REGION_CHECK,
    IfMatch,
    Reader,
    Regions,
    Writer,
    make_router,
    problems,
)
from services.dealers.models import ConflictStatus, ConflictType

router = make_router("/v1/conflicts", "conflicts")


@router.get(
    "", response_model=ConflictPage, summary="List channel conflicts", operation_id="conflicts_list"
)
async def list_conflicts(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    region_id: UUID | None = None,
    status: ConflictStatus | None = None,
    type: ConflictType | None = None,
    dealer_id: UUID | None = None,
    outlet_id: UUID | None = None,
) -> ConflictPage:
    rows, next_cursor = await service.list_page(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        region_id=region_id,
        status=status,
        type=type,
        dealer_id=dealer_id,
        outlet_id=outlet_id,
    )
    parties = await service.parties_of(session, [r.id for r in rows])
    items = [service.public(r, parties[r.id]) for r in rows]
    return ConflictPage(items=items, next_cursor=next_cursor)


@router.post(
    "",
    response_model=ConflictPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record a channel conflict",
    description=REGION_CHECK,
    operation_id="conflicts_create",
    responses=problems(503),
)
async def create_conflict(
    body: ConflictCreate, session: SessionDep, caller: Writer, response: Response, regions: Regions
) -> ConflictPublic:
    conflict, parties = await service.create(session, body, caller=caller, regions=regions)
    set_etag(response, conflict.version)
    response.headers["Location"] = f"/v1/conflicts/{conflict.id}"
    return service.public(conflict, parties)


@router.get(
    "/{conflict_id}",
    response_model=ConflictPublic,
    summary="Get a channel conflict",
    operation_id="conflicts_get",
    responses=problem_responses(404),
)
async def get_conflict(
    conflict_id: UUID, session: SessionDep, caller: Reader, response: Response
) -> ConflictPublic:
    conflict = await service.get(session, conflict_id, caller=caller)
    set_etag(response, conflict.version)
    parties = await service.parties_of(session, [conflict.id])
    return service.public(conflict, parties[conflict.id])


@router.patch(
    "/{conflict_id}",
    response_model=ConflictPublic,
    summary="Investigate, resolve or dismiss a conflict; record resolution and penalty",
    operation_id="conflicts_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_conflict(
    conflict_id: UUID,
    body: ConflictUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ConflictPublic:
    conflict = await service.get(session, conflict_id, caller=caller)
    service.authorize_write(caller)
    check_if_match(if_match, conflict.version)
    conflict, parties = await service.update(session, conflict, body, caller=caller)
    set_etag(response, conflict.version)
    return service.public(conflict, parties)
