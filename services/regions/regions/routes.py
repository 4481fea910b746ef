"""HTTP routes of `/v1/regions`: thin, typed, every one scoped."""

from uuid import UUID

from fastapi import Response, status

from chassis.bulk import BulkRequest, BulkResult
from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.queries import get_or_404
from services.regions.deps import IfMatch, PeerReader, Reader, Writer, make_router
from services.regions.models import Region, RegionKind, RegionLevel, RolloutStage
from services.regions.owners import OWNER_UNAVAILABLE, Owners
from services.regions.regions import bulk, service, stages
from services.regions.regions.schemas import (
    Breadcrumb,
    Crumb,
    RegionBulkItem,
    RegionCreate,
    RegionPage,
    RegionPublic,
    RegionTransitionCreate,
    RegionTransitionPage,
    RegionTransitionPublic,
    RegionUpdate,
)

router = make_router("/v1/regions", "regions")


@router.get("", response_model=RegionPage, summary="List regions", operation_id="regions_list")
async def list_regions(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    kind: RegionKind | None = None,
    level: RegionLevel | None = None,
    parent_id: UUID | None = None,
    ancestor: UUID | None = None,
    code: str | None = None,
    owner_id: UUID | None = None,
    key_market: bool | None = None,
    rollout_stage: RolloutStage | None = None,
) -> RegionPage:
    """`ancestor` lists every region below that one (its subtree without itself)."""
    filters = {
        "kind": kind,
        "level": level,
        "parent_id": parent_id,
        "code": code,
        "owner_id": owner_id,
        "key_market": key_market,
        "rollout_stage": rollout_stage,
    }
    rows, next_cursor = await service.list_page(
        session, limit=limit, cursor=cursor, filters=filters, ancestor=ancestor
    )
    return RegionPage(items=[RegionPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=RegionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a region",
    operation_id="regions_create",
    responses=problem_responses(409) | OWNER_UNAVAILABLE,
)
async def create_region(
    body: RegionCreate, session: SessionDep, caller: Writer, owners: Owners, response: Response
) -> RegionPublic:
    """`owner_id` names an advisor the advisors service knows (422 on `#/owner_id` otherwise;
    503 when the advisors service can't be asked about an advisor this service hasn't seen)."""
    region = await service.create(session, body, caller=caller, owners=owners)
    set_etag(response, region.version)
    response.headers["Location"] = f"/v1/regions/{region.id}"
    return RegionPublic.model_validate(region)


@router.post(
    "/bulk",
    response_model=BulkResult,
    summary="Create or update up to 1,000 regions by code",
    operation_id="regions_bulk_upsert",
    responses=OWNER_UNAVAILABLE,
)
async def bulk_upsert_regions(
    body: BulkRequest[RegionBulkItem], session: SessionDep, caller: Writer, owners: Owners
) -> BulkResult:
    """An item naming an unknown or deleted advisor as `owner_id` is invalid; when the advisors
    service can't be asked, the whole request is a 503 and nothing is written."""
    return await bulk.upsert(session, body.items, caller=caller, owners=owners)


@router.get(
    "/{region_id}",
    response_model=RegionPublic,
    summary="Get a region",
    operation_id="regions_get",
    responses=problem_responses(404),
)
async def get_region(
    region_id: UUID, session: SessionDep, _: PeerReader, response: Response
) -> RegionPublic:
    """Also open to `regions:events`: the services that follow the region feed check the
    regions their records name with it."""
    region = await service.read(session, region_id)
    set_etag(response, region["version"])
    return RegionPublic.model_validate(region)


@router.get(
    "/{region_id}/path",
    response_model=Breadcrumb,
    summary="The breadcrumb from the top region down to this one",
    operation_id="regions_path",
    responses=problem_responses(404),
)
async def region_path(region_id: UUID, session: SessionDep, _: Reader) -> Breadcrumb:
    region = await get_or_404(session, Region, region_id, "Region")
    return Breadcrumb(
        items=[Crumb.model_validate(r) for r in await service.breadcrumb(session, region)]
    )


@router.patch(
    "/{region_id}",
    response_model=RegionPublic,
    summary="Update or move a region",
    operation_id="regions_update",
    responses=problem_responses(404, 409, 412, 428) | OWNER_UNAVAILABLE,
)
async def update_region(
    region_id: UUID,
    body: RegionUpdate,
    session: SessionDep,
    caller: Writer,
    owners: Owners,
    response: Response,
    if_match: IfMatch = None,
) -> RegionPublic:
    region = await get_or_404(session, Region, region_id, "Region")
    check_if_match(if_match, region.version)
    region = await service.update(session, region, body, caller=caller, owners=owners)
    set_etag(response, region.version)
    return RegionPublic.model_validate(region)


@router.delete(
    "/{region_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a region without children or data",
    operation_id="regions_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_region(
    region_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    """Refused with one 409 listing every reason: what the region holds (`contents`: child
    regions, surveys, targets, actuals, budgets, plans, counted) and which records of other
    services still name it (`references`, e.g. `{"dealers.region_id": 3}`), as far as this
    service has read their feeds."""
    region = await get_or_404(session, Region, region_id, "Region")
    check_if_match(if_match, region.version)
    await service.delete(session, region, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{region_id}/transitions",
    response_model=RegionPublic,
    summary="Move the region's roll-out stage one step forward or back",
    operation_id="regions_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def move_stage(
    region_id: UUID,
    body: RegionTransitionCreate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> RegionPublic:
    """Answers the region in its new stage. `If-Match` is optional here; when given it must name
    the region's current version. Moving to the current stage, or more than one step, is a 409
    naming `#/to`."""
    region = await get_or_404(session, Region, region_id, "Region")
    if if_match:
        check_if_match(if_match, region.version)
    region = await stages.transition(session, region, body, caller=caller)
    set_etag(response, region.version)
    return RegionPublic.model_validate(region)


@router.get(
    "/{region_id}/transitions",
    response_model=RegionTransitionPage,
    summary="The region's roll-out stage moves, oldest first",
    operation_id="regions_transitions_list",
    responses=problem_responses(404),
)
async def list_transitions(
    region_id: UUID, session: SessionDep, _: Reader, limit: Limit = 50, cursor: Cursor = None
) -> RegionTransitionPage:
    region = await get_or_404(session, Region, region_id, "Region")
    rows, next_cursor = await stages.history(session, region, limit=limit, cursor=cursor)
    return RegionTransitionPage(
        items=[RegionTransitionPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )
