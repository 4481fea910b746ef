"""HTTP routes of `/v1/outlets`: the retail outlets (终端) the dealers supply."""

from uuid import UUID

from fastapi import Response, status

from chassis.bulk import BulkRequest, BulkResult
from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.dealers.deps import (
    BULK_REGION_CHECK,
    RECORD_READERS,
    REGION_CHECK,
    IfMatch,
    Reader,
    RecordReader,
    Regions,
    Writer,
    make_router,
    problems,
)
from services.dealers.models import OutletGrade, OutletStatus, OutletType
from services.dealers.outlets import service
from services.dealers.outlets.schemas import (
    OutletCreate,
    OutletPage,
    OutletPublic,
    OutletTransitionCreate,
    OutletTransitionPage,
    OutletTransitionPublic,
    OutletUpdate,
)

router = make_router("/v1/outlets", "outlets")


@router.get("", response_model=OutletPage, summary="List outlets", operation_id="outlets_list")
async def list_outlets(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
    dealer_id: UUID | None = None,
    region_id: UUID | None = None,
    type: OutletType | None = None,
    grade: OutletGrade | None = None,
    status: OutletStatus | None = None,
) -> OutletPage:
    rows, next_cursor = await service.list_page(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        code=code,
        dealer_id=dealer_id,
        region_id=region_id,
        type=type,
        grade=grade,
        status=status,
    )
    return OutletPage(items=[OutletPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=OutletPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create an outlet",
    description=REGION_CHECK,
    operation_id="outlets_create",
    responses=problems(409, 503),
)
async def create_outlet(
    body: OutletCreate, session: SessionDep, caller: Writer, response: Response, regions: Regions
) -> OutletPublic:
    outlet = await service.create(session, body, caller=caller, regions=regions)
    set_etag(response, outlet.version)
    response.headers["Location"] = f"/v1/outlets/{outlet.id}"
    return OutletPublic.model_validate(outlet)


@router.post(
    "/bulk",
    response_model=BulkResult,
    summary="Upsert up to 1,000 outlets by code, with a result per item",
    description=BULK_REGION_CHECK,
    operation_id="outlets_bulk",
    responses=problems(409, 503),
)
async def bulk_outlets(
    body: BulkRequest[OutletCreate], session: SessionDep, caller: Writer, regions: Regions
) -> Response:
    return await service.bulk_upsert(session, body.items, caller=caller, regions=regions)


@router.get(
    "/{outlet_id}",
    response_model=OutletPublic,
    summary="Get an outlet",
    description=RECORD_READERS,
    operation_id="outlets_get",
    responses=problem_responses(404),
)
async def get_outlet(
    outlet_id: UUID, session: SessionDep, caller: RecordReader, response: Response
) -> OutletPublic:
    outlet = await service.get(session, outlet_id, caller=caller)
    set_etag(response, outlet.version)
    return OutletPublic.model_validate(outlet)


@router.patch(
    "/{outlet_id}",
    response_model=OutletPublic,
    summary="Update an outlet",
    description=REGION_CHECK,
    operation_id="outlets_update",
    responses=problems(404, 409, 412, 428, 503),
)
async def update_outlet(
    outlet_id: UUID,
    body: OutletUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    regions: Regions,
    if_match: IfMatch = None,
) -> OutletPublic:
    outlet = await service.get(session, outlet_id, caller=caller)
    check_if_match(if_match, outlet.version)
    outlet = await service.update(session, outlet, body, caller=caller, regions=regions)
    set_etag(response, outlet.version)
    return OutletPublic.model_validate(outlet)


@router.delete(
    "/{outlet_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an outlet (refused while the advisors service's records name it)",
    description="Refused with 409 while assignments or visits of the advisors service name the "
    "outlet (counted from its events); `references` counts each kind.",
    operation_id="outlets_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_outlet(
    outlet_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    outlet = await service.get(session, outlet_id, caller=caller)
    check_if_match(if_match, outlet.version)
    await service.delete(session, outlet, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{outlet_id}/transitions",
    response_model=OutletPublic,
    summary="Hand an outlet to another supplying dealer, keeping the history",
    description="`to` is the new supplying dealer's id. Answers the outlet with its new dealer; "
    "the dealer that already supplies it is a 409 naming `#/to`.",
    operation_id="outlets_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def transition_outlet(
    outlet_id: UUID,
    body: OutletTransitionCreate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> OutletPublic:
    outlet = await service.get(session, outlet_id, caller=caller)
    if if_match is not None:
        check_if_match(if_match, outlet.version)
    await service.transition(session, outlet, body, caller=caller)
    set_etag(response, outlet.version)
    return OutletPublic.model_validate(outlet)


@router.get(
    "/{outlet_id}/transitions",
    response_model=OutletTransitionPage,
    summary="An outlet's changes of supplying dealer, oldest first",
    operation_id="outlets_transitions_list",
    responses=problem_responses(404),
)
async def list_transitions(
    outlet_id: UUID, session: SessionDep, caller: Reader, limit: Limit = 50, cursor: Cursor = None
) -> OutletTransitionPage:
    await service.get(session, outlet_id, caller=caller)
    rows, next_cursor = await service.history(session, outlet_id, limit=limit, cursor=cursor)
    return OutletTransitionPage(
        items=[OutletTransitionPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )
