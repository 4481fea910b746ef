"""HTTP routes of `/v1/regions`: thin, typed, every one scoped."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.identity import Principal, require_scopes
from chassis.pagination import Cursor, Limit
from services.regions.models import RegionKind, RegionLevel
from services.regions.regions import service
from services.regions.regions.schemas import RegionCreate, RegionPage, RegionPublic, RegionUpdate

router = APIRouter(
    prefix="/v1/regions", tags=["regions"], responses=problem_responses(401, 403, 422)
)
Reader = Annotated[Principal, require_scopes("regions:read")]
Writer = Annotated[Principal, require_scopes("regions:write")]
IfMatch = Annotated[str | None, Header(description="The ETag of the version being changed")]


@router.get("", response_model=RegionPage, summary="List regions", operation_id="regions_list")
async def list_regions(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    kind: RegionKind | None = None,
    level: RegionLevel | None = None,
    parent_id: UUID | None = None,
    code: str | None = None,
) -> RegionPage:
    rows, next_cursor = await service.list_page(
        session, limit=limit, cursor=cursor, kind=kind, level=level, parent_id=parent_id, code=code
    )
    return RegionPage(items=[RegionPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=RegionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a region",
    operation_id="regions_create",
    responses=problem_responses(409),
)
async def create_region(
    body: RegionCreate, session: SessionDep, caller: Writer, response: Response
) -> RegionPublic:
    region = await service.create(session, body, actor=caller.subject)
    set_etag(response, region.version)
    response.headers["Location"] = f"/v1/regions/{region.id}"
    return RegionPublic.model_validate(region)


@router.get(
    "/{region_id}",
    response_model=RegionPublic,
    summary="Get a region",
    operation_id="regions_get",
    responses=problem_responses(404),
)
async def get_region(
    region_id: UUID, session: SessionDep, _: Reader, response: Response
) -> RegionPublic:
    region = await service.get(session, region_id)
    set_etag(response, region.version)
    return RegionPublic.model_validate(region)


@router.patch(
    "/{region_id}",
    response_model=RegionPublic,
    summary="Update a region",
    operation_id="regions_update",
    responses=problem_responses(404, 412, 428),
)
async def update_region(
    region_id: UUID,
    body: RegionUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> RegionPublic:
    region = await service.get(session, region_id)
    check_if_match(if_match, region.version)
    region = await service.update(session, region, body, actor=caller.subject)
    set_etag(response, region.version)
    return RegionPublic.model_validate(region)


@router.delete(
    "/{region_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a region without children",
    operation_id="regions_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_region(
    region_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    region = await service.get(session, region_id)
    check_if_match(if_match, region.version)
    await service.delete(session, region, actor=caller.subject)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
