"""HTTP routes of `/v1/kpi-schemes`."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.deps import IfMatch, Reader, Writer, make_router
from services.advisors.kpi_schemes import service
from services.advisors.kpi_schemes.schemas import (
    SchemeCreate,
    SchemePage,
    SchemePublic,
    SchemeUpdate,
)

router = make_router("/v1/kpi-schemes", "kpi-schemes")


@router.get(
    "", response_model=SchemePage, summary="List KPI schemes", operation_id="kpi_schemes_list"
)
async def list_schemes(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
) -> SchemePage:
    rows, next_cursor = await service.list_page(session, limit=limit, cursor=cursor, code=code)
    return SchemePage(items=[SchemePublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=SchemePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a KPI scheme (weights sum to 100)",
    operation_id="kpi_schemes_create",
    responses=problem_responses(409),
)
async def create_scheme(
    body: SchemeCreate, session: SessionDep, caller: Writer, response: Response
) -> SchemePublic:
    scheme = await service.create(session, body, caller=caller)
    set_etag(response, scheme.version)
    response.headers["Location"] = f"/v1/kpi-schemes/{scheme.id}"
    return SchemePublic.model_validate(scheme)


@router.get(
    "/{scheme_id}",
    response_model=SchemePublic,
    summary="Get a KPI scheme",
    operation_id="kpi_schemes_get",
    responses=problem_responses(404),
)
async def get_scheme(
    scheme_id: UUID, session: SessionDep, _: Reader, response: Response
) -> SchemePublic:
    scheme = await service.get(session, scheme_id)
    set_etag(response, scheme.version)
    return SchemePublic.model_validate(scheme)


@router.patch(
    "/{scheme_id}",
    response_model=SchemePublic,
    summary="Update a KPI scheme (locked assessments keep their figures)",
    operation_id="kpi_schemes_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_scheme(
    scheme_id: UUID,
    body: SchemeUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> SchemePublic:
    scheme = await service.get(session, scheme_id)
    check_if_match(if_match, scheme.version)
    scheme = await service.update(session, scheme, body, caller=caller)
    set_etag(response, scheme.version)
    return SchemePublic.model_validate(scheme)
