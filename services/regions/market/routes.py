"""HTTP routes of `/v1/competitors` and `/v1/market-surveys`."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.queries import get_or_404
from chassis.types import Date
from services.regions.deps import IfMatch, Reader, Writer, make_router
from services.regions.market import service
from services.regions.market.schemas import (
    CompetitorCreate,
    CompetitorPage,
    CompetitorPublic,
    CompetitorUpdate,
    SurveyCreate,
    SurveyPage,
    SurveyPublic,
    SurveyUpdate,
)
from services.regions.models import Competitor, MarketSurvey

competitors = make_router("/v1/competitors", "competitors")
surveys = make_router("/v1/market-surveys", "market-surveys")


@competitors.get(
    "", response_model=CompetitorPage, summary="List competitors", operation_id="competitors_list"
)
async def list_competitors(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
) -> CompetitorPage:
    rows, next_cursor = await service.list_competitors(
        session, limit=limit, cursor=cursor, code=code
    )
    return CompetitorPage(
        items=[CompetitorPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@competitors.post(
    "",
    response_model=CompetitorPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Add a competitor to the master list",
    operation_id="competitors_create",
    responses=problem_responses(409),
)
async def create_competitor(
    body: CompetitorCreate, session: SessionDep, caller: Writer, response: Response
) -> CompetitorPublic:
    competitor = await service.create_competitor(session, body, caller=caller)
    set_etag(response, competitor.version)
    response.headers["Location"] = f"/v1/competitors/{competitor.id}"
    return CompetitorPublic.model_validate(competitor)


@competitors.get(
    "/{competitor_id}",
    response_model=CompetitorPublic,
    summary="Get a competitor",
    operation_id="competitors_get",
    responses=problem_responses(404),
)
async def get_competitor(
    competitor_id: UUID, session: SessionDep, _: Reader, response: Response
) -> CompetitorPublic:
    competitor = await get_or_404(session, Competitor, competitor_id, "Competitor")
    set_etag(response, competitor.version)
    return CompetitorPublic.model_validate(competitor)


@competitors.patch(
    "/{competitor_id}",
    response_model=CompetitorPublic,
    summary="Update a competitor",
    operation_id="competitors_update",
    responses=problem_responses(404, 412, 428),
)
async def update_competitor(
    competitor_id: UUID,
    body: CompetitorUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> CompetitorPublic:
    competitor = await get_or_404(session, Competitor, competitor_id, "Competitor")
    check_if_match(if_match, competitor.version)
    competitor = await service.update_competitor(session, competitor, body, caller=caller)
    set_etag(response, competitor.version)
    return CompetitorPublic.model_validate(competitor)


@competitors.delete(
    "/{competitor_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a competitor no survey mentions",
    operation_id="competitors_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_competitor(
    competitor_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    competitor = await get_or_404(session, Competitor, competitor_id, "Competitor")
    check_if_match(if_match, competitor.version)
    await service.delete_competitor(session, competitor, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@surveys.get(
    "", response_model=SurveyPage, summary="List market surveys", operation_id="market_surveys_list"
)
async def list_surveys(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    region_id: UUID | None = None,
    surveyed_from: Date | None = None,
    surveyed_to: Date | None = None,
) -> SurveyPage:
    rows, next_cursor = await service.list_surveys(
        session,
        limit=limit,
        cursor=cursor,
        region_id=region_id,
        surveyed_from=surveyed_from,
        surveyed_to=surveyed_to,
    )
    lines = await service.lines_of(session, [r.id for r in rows])
    return SurveyPage(items=[service.public(r, lines[r.id]) for r in rows], next_cursor=next_cursor)


@surveys.post(
    "",
    response_model=SurveyPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record a census survey of a region",
    operation_id="market_surveys_create",
    responses=problem_responses(409),
)
async def create_survey(
    body: SurveyCreate, session: SessionDep, caller: Writer, response: Response
) -> SurveyPublic:
    survey, lines = await service.create_survey(session, body, caller=caller)
    set_etag(response, survey.version)
    response.headers["Location"] = f"/v1/market-surveys/{survey.id}"
    return service.public(survey, lines)


@surveys.get(
    "/{survey_id}",
    response_model=SurveyPublic,
    summary="Get a market survey with its competitor lines",
    operation_id="market_surveys_get",
    responses=problem_responses(404),
)
async def get_survey(
    survey_id: UUID, session: SessionDep, _: Reader, response: Response
) -> SurveyPublic:
    survey = await get_or_404(session, MarketSurvey, survey_id, "Market survey")
    set_etag(response, survey.version)
    return service.public(survey, (await service.lines_of(session, [survey.id]))[survey.id])


@surveys.patch(
    "/{survey_id}",
    response_model=SurveyPublic,
    summary="Update a market survey (lines, when given, replace the old ones)",
    operation_id="market_surveys_update",
    responses=problem_responses(404, 412, 428),
)
async def update_survey(
    survey_id: UUID,
    body: SurveyUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> SurveyPublic:
    survey = await get_or_404(session, MarketSurvey, survey_id, "Market survey")
    check_if_match(if_match, survey.version)
    survey, lines = await service.update_survey(session, survey, body, caller=caller)
    set_etag(response, survey.version)
    return service.public(survey, lines)


@surveys.delete(
    "/{survey_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a market survey",
    operation_id="market_surveys_delete",
    responses=problem_responses(404, 412, 428),
)
async def delete_survey(
    survey_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    survey = await get_or_404(session, MarketSurvey, survey_id, "Market survey")
    check_if_match(if_match, survey.version)
    await service.delete_survey(session, survey, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
