"""HTTP routes of `/v1/kpi-schemes`, `/v1/advisor-sales` and `/v1/assessments`."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.types import PERIOD_RE
from services.advisors.common import IfMatch, Reader, Writer
from services.advisors.kpis import assessments, sales, schemes
from services.advisors.kpis.schemas import (
    AssessmentCreate,
    AssessmentPage,
    AssessmentPublic,
    AssessmentRun,
    Leaderboard,
    RunResult,
    SalesCreate,
    SalesPage,
    SalesPublic,
    SalesUpdate,
    SchemeCreate,
    SchemePage,
    SchemePublic,
    SchemeUpdate,
)

COMMON = problem_responses(401, 403, 422)
UPDATE = problem_responses(404, 409, 412, 428)
PeriodQuery = Annotated[str, Query(pattern=PERIOD_RE, description="A month as YYYY-MM")]
schemes_router = APIRouter(prefix="/v1/kpi-schemes", tags=["kpi-schemes"], responses=COMMON)
sales_router = APIRouter(prefix="/v1/advisor-sales", tags=["advisor-sales"], responses=COMMON)
router = APIRouter(prefix="/v1/assessments", tags=["assessments"], responses=COMMON)


@schemes_router.get(
    "", response_model=SchemePage, summary="List KPI schemes", operation_id="kpi_schemes_list"
)
async def list_schemes(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
) -> SchemePage:
    rows, next_cursor = await schemes.list_page(session, limit=limit, cursor=cursor, code=code)
    return SchemePage(items=[SchemePublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@schemes_router.post(
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
    scheme = await schemes.create(session, body, actor=caller.subject)
    set_etag(response, scheme.version)
    response.headers["Location"] = f"/v1/kpi-schemes/{scheme.id}"
    return SchemePublic.model_validate(scheme)


@schemes_router.get(
    "/{scheme_id}",
    response_model=SchemePublic,
    summary="Get a KPI scheme",
    operation_id="kpi_schemes_get",
    responses=problem_responses(404),
)
async def get_scheme(
    scheme_id: UUID, session: SessionDep, _: Reader, response: Response
) -> SchemePublic:
    scheme = await schemes.get(session, scheme_id)
    set_etag(response, scheme.version)
    return SchemePublic.model_validate(scheme)


@schemes_router.patch(
    "/{scheme_id}",
    response_model=SchemePublic,
    summary="Update a KPI scheme (locked assessments keep their figures)",
    operation_id="kpi_schemes_update",
    responses=UPDATE,
)
async def update_scheme(
    scheme_id: UUID,
    body: SchemeUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> SchemePublic:
    scheme = await schemes.get(session, scheme_id)
    check_if_match(if_match, scheme.version)
    scheme = await schemes.update(session, scheme, body, actor=caller.subject)
    set_etag(response, scheme.version)
    return SchemePublic.model_validate(scheme)


@sales_router.get(
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
    period: Annotated[str | None, Query(pattern=PERIOD_RE)] = None,
) -> SalesPage:
    rows, next_cursor = await sales.list_page(
        session, limit=limit, cursor=cursor, advisor_id=advisor_id, period=period
    )
    return SalesPage(items=[SalesPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@sales_router.post(
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
    record = await sales.create(session, body, actor=caller.subject)
    set_etag(response, record.version)
    response.headers["Location"] = f"/v1/advisor-sales/{record.id}"
    return SalesPublic.model_validate(record)


@sales_router.get(
    "/{sales_id}",
    response_model=SalesPublic,
    summary="Get a sales record",
    operation_id="advisor_sales_get",
    responses=problem_responses(404),
)
async def get_sales(
    sales_id: UUID, session: SessionDep, _: Reader, response: Response
) -> SalesPublic:
    record = await sales.get(session, sales_id)
    set_etag(response, record.version)
    return SalesPublic.model_validate(record)


@sales_router.patch(
    "/{sales_id}",
    response_model=SalesPublic,
    summary="Correct a sales record",
    operation_id="advisor_sales_update",
    responses=UPDATE,
)
async def update_sales(
    sales_id: UUID,
    body: SalesUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> SalesPublic:
    record = await sales.get(session, sales_id)
    check_if_match(if_match, record.version)
    record = await sales.update(session, record, body, actor=caller.subject)
    set_etag(response, record.version)
    return SalesPublic.model_validate(record)


@router.get(
    "", response_model=AssessmentPage, summary="List assessments", operation_id="assessments_list"
)
async def list_assessments(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    scheme_id: UUID | None = None,
    period: Annotated[str | None, Query(pattern=PERIOD_RE)] = None,
    grade: Annotated[str | None, Query(pattern="^[ABCD]$")] = None,
    locked: bool | None = None,
) -> AssessmentPage:
    rows, next_cursor = await assessments.list_page(
        session,
        limit=limit,
        cursor=cursor,
        advisor_id=advisor_id,
        scheme_id=scheme_id,
        period=period,
        grade=grade,
        locked=locked,
    )
    return AssessmentPage(
        items=[AssessmentPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/leaderboard",
    response_model=Leaderboard,
    summary="Assessments of a month ranked by score, per region",
    operation_id="assessments_leaderboard",
)
async def leaderboard(
    session: SessionDep,
    _: Reader,
    period: PeriodQuery,
    region_id: UUID | None = None,
    scheme_id: UUID | None = None,
    limit: Limit = 50,
) -> Leaderboard:
    return await assessments.leaderboard(
        session, period=period, region_id=region_id, scheme_id=scheme_id, limit=limit
    )


@router.post(
    "",
    response_model=AssessmentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Assess an advisor for a month under a scheme",
    operation_id="assessments_create",
    responses=problem_responses(409),
)
async def create_assessment(
    body: AssessmentCreate, session: SessionDep, caller: Writer, response: Response
) -> AssessmentPublic:
    assessment = await assessments.create(session, body, actor=caller.subject)
    set_etag(response, assessment.version)
    response.headers["Location"] = f"/v1/assessments/{assessment.id}"
    return AssessmentPublic.model_validate(assessment)


@router.post(
    "/run",
    response_model=RunResult,
    summary="Assess every active advisor (of a region) for a month; locked ones stay",
    operation_id="assessments_run",
)
async def run_assessments(body: AssessmentRun, session: SessionDep, caller: Writer) -> RunResult:
    return await assessments.run(session, body, actor=caller.subject)


@router.get(
    "/{assessment_id}",
    response_model=AssessmentPublic,
    summary="Get an assessment",
    operation_id="assessments_get",
    responses=problem_responses(404),
)
async def get_assessment(
    assessment_id: UUID, session: SessionDep, _: Reader, response: Response
) -> AssessmentPublic:
    assessment = await assessments.get(session, assessment_id)
    set_etag(response, assessment.version)
    return AssessmentPublic.model_validate(assessment)


@router.post(
    "/{assessment_id}/recompute",
    response_model=AssessmentPublic,
    summary="Recompute an assessment that is not locked",
    operation_id="assessments_recompute",
    responses=UPDATE,
)
async def recompute_assessment(
    assessment_id: UUID,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AssessmentPublic:
    assessment = await assessments.get(session, assessment_id)
    check_if_match(if_match, assessment.version)
    assessment = await assessments.recompute(session, assessment, actor=caller.subject)
    set_etag(response, assessment.version)
    return AssessmentPublic.model_validate(assessment)


@router.post(
    "/{assessment_id}/lock",
    response_model=AssessmentPublic,
    summary="Lock an assessment: its figures are final",
    operation_id="assessments_lock",
    responses=UPDATE,
)
async def lock_assessment(
    assessment_id: UUID,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AssessmentPublic:
    assessment = await assessments.get(session, assessment_id)
    check_if_match(if_match, assessment.version)
    assessment = await assessments.lock(session, assessment, actor=caller.subject)
    set_etag(response, assessment.version)
    return AssessmentPublic.model_validate(assessment)
