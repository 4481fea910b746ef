"""HTTP routes of `/v1/advisors`: thin, typed, every one scoped."""

from uuid import UUID

from fastapi import Response, status

from chassis.bulk import BulkResult
from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.advisors import service
from services.advisors.advisors.schemas import (
    AdvisorBulk,
    AdvisorCreate,
    AdvisorPage,
    AdvisorPublic,
    AdvisorUpdate,
)
from services.advisors.deps import (
    OWNER_DOWN,
    IfMatch,
    Reader,
    ReaderOrPeer,
    Refs,
    Writer,
    make_router,
)
from services.advisors.models import AdvisorLevel, AdvisorRole, AdvisorStatus

router = make_router("/v1/advisors", "advisors")


@router.get("", response_model=AdvisorPage, summary="List advisors", operation_id="advisors_list")
async def list_advisors(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    employee_code: str | None = None,
    role: AdvisorRole | None = None,
    region_id: UUID | None = None,
    manager_id: UUID | None = None,
    level: AdvisorLevel | None = None,
    status: AdvisorStatus | None = None,
) -> AdvisorPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        employee_code=employee_code,
        role=role,
        region_id=region_id,
        manager_id=manager_id,
        level=level,
        status=status,
    )
    return AdvisorPage(
        items=[AdvisorPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "",
    response_model=AdvisorPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create an advisor",
    operation_id="advisors_create",
    responses=problem_responses(409) | OWNER_DOWN,
)
async def create_advisor(
    body: AdvisorCreate, session: SessionDep, caller: Writer, refs: Refs, response: Response
) -> AdvisorPublic:
    advisor = await service.create(session, body, caller=caller, refs=refs)
    set_etag(response, advisor.version)
    response.headers["Location"] = f"/v1/advisors/{advisor.id}"
    return AdvisorPublic.model_validate(advisor)


@router.post(
    "/bulk",
    response_model=BulkResult,
    summary="Create or replace advisors by employee code",
    operation_id="advisors_bulk_upsert",
    responses=OWNER_DOWN,
)
async def bulk_upsert_advisors(
    body: AdvisorBulk, session: SessionDep, caller: Writer, refs: Refs
) -> BulkResult:
    return await service.bulk_upsert(session, body.items, caller=caller, refs=refs)


@router.get(
    "/{advisor_id}",
    response_model=AdvisorPublic,
    summary="Get an advisor",
    description="Other services read the advisors they refer to here (scope `advisors:events`).",
    operation_id="advisors_get",
    responses=problem_responses(404),
)
async def get_advisor(
    advisor_id: UUID, session: SessionDep, _: ReaderOrPeer, response: Response
) -> AdvisorPublic:
    advisor = await service.get(session, advisor_id)
    set_etag(response, advisor.version)
    return AdvisorPublic.model_validate(advisor)


@router.patch(
    "/{advisor_id}",
    response_model=AdvisorPublic,
    summary="Update an advisor",
    operation_id="advisors_update",
    responses=problem_responses(404, 412, 428) | OWNER_DOWN,
)
async def update_advisor(
    advisor_id: UUID,
    body: AdvisorUpdate,
    session: SessionDep,
    caller: Writer,
    refs: Refs,
    response: Response,
    if_match: IfMatch = None,
) -> AdvisorPublic:
    advisor = await service.get(session, advisor_id)
    check_if_match(if_match, advisor.version)
    advisor = await service.update(session, advisor, body, caller=caller, refs=refs)
    set_etag(response, advisor.version)
    return AdvisorPublic.model_validate(advisor)


@router.delete(
    "/{advisor_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an advisor who manages nobody and owns no region or target",
    operation_id="advisors_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_advisor(
    advisor_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    advisor = await service.get(session, advisor_id)
    check_if_match(if_match, advisor.version)
    await service.delete(session, advisor, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
