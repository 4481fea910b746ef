"""HTTP routes of `/v1/assessments`: assess, run for everyone, recompute, lock, rank."""

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.assessments import service
from services.advisors.assessments.schemas import (
    AssessmentCreate,
    AssessmentPage,
    AssessmentPublic,
    AssessmentRun,
    AssessmentTransition,
    Leaderboard,
    RunResult,
)
from services.advisors.deps import IfMatch, Reader, Writer, make_router
from services.advisors.fields import Period

router = make_router("/v1/assessments", "assessments")
UPDATE = problem_responses(404, 409, 412, 428)


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
    period: Period | None = None,
    grade: Annotated[str | None, Query(pattern="^[ABCD]$")] = None,
    locked: bool | None = None,
) -> AssessmentPage:
    rows, next_cursor = await service.list_page(
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
    period: Period,
    region_id: UUID | None = None,
    scheme_id: UUID | None = None,
    limit: Limit = 50,
) -> Leaderboard:
    return await service.leaderboard(
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
    assessment = await service.create(session, body, caller=caller)
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
    return await service.run(session, body, caller=caller)


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
    assessment = await service.get(session, assessment_id)
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
    assessment = await service.get(session, assessment_id)
    check_if_match(if_match, assessment.version)
    assessment = await service.recompute(session, assessment, caller=caller)
    set_etag(response, assessment.version)
    return AssessmentPublic.model_validate(assessment)


@router.post(
    "/{assessment_id}/transitions",
    response_model=AssessmentPublic,
    summary="Lock an assessment (`to: locked`): its figures are final",
    description=(
        "open → locked; runs and recomputes leave a locked one alone. `If-Match` is optional."
    ),
    operation_id="assessments_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def move_assessment(
    assessment_id: UUID,
    body: AssessmentTransition,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AssessmentPublic:
    assessment = await service.transition(
        session, assessment_id, body, caller=caller, if_match=if_match
    )
    set_etag(response, assessment.version)
    return AssessmentPublic.model_validate(assessment)
