"""HTTP routes of `/v1/advisor-sales`."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.advisor_sales import service
from services.advisors.advisor_sales.schemas import (
    SalesCreate,
    SalesPage,
    SalesPublic,
    SalesUpdate,
)
from services.advisors.deps import IfMatch, Reader, Writer, make_router
from services.advisors.fields import Period

router = make_router("/v1/advisor-sales", "advisor-sales")


@router.get(
    "",
    response_model=SalesPage,
    summary="List recorded sales figures",
    operation_id="advisor_sales_list",
)
async def list_sales(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    period: Period | None = None,
) -> SalesPage:
    rows, next_cursor = await service.list_page(
        session, limit=limit, cursor=cursor, advisor_id=advisor_id, period=period
    )
    return SalesPage(items=[SalesPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=SalesPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record an advisor's sales figures for a month",
    operation_id="advisor_sales_create",
    responses=problem_responses(409),
)
async def create_sales(
    body: SalesCreate, session: SessionDep, caller: Writer, response: Response
) -> SalesPublic:
    record = await service.create(session, body, caller=caller)
    set_etag(response, record.version)
    response.headers["Location"] = f"/v1/advisor-sales/{record.id}"
    return SalesPublic.model_validate(record)


@router.get(
    "/{sales_id}",
    response_model=SalesPublic,
    summary="Get a sales record",
    operation_id="advisor_sales_get",
    responses=problem_responses(404),
)
async def get_sales(
    sales_id: UUID, session: SessionDep, _: Reader, response: Response
) -> SalesPublic:
    record = await service.get(session, sales_id)
    set_etag(response, record.version)
    return SalesPublic.model_validate(record)


@router.patch(
    "/{sales_id}",
    response_model=SalesPublic,
    summary="Correct a sales record",
    operation_id="advisor_sales_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_sales(
    sales_id: UUID,
    body: SalesUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> SalesPublic:
    record = await service.get(session, sales_id)
    check_if_match(if_match, record.version)
    record = await service.update(session, record, body, caller=caller)
    set_etag(response, record.version)
    return SalesPublic.model_validate(record)
