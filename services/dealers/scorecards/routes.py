"""HTTP routes of `/v1/scorecard-templates` and `/v1/scorecard-evaluations`."""

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.types import PERIOD_RE
from services.dealers.dealers import service as dealers_service
from services.dealers.deps import IfMatch, Reader, Writer, make_router
from services.dealers.models import Direction
from services.dealers.scorecards import service
from services.dealers.scorecards.schemas import (
    EvaluationCreate,
    EvaluationPage,
    EvaluationPublic,
    Ranking,
    TemplateCreate,
    TemplatePage,
    TemplatePublic,
    TemplateUpdate,
    Trend,
)

templates = make_router("/v1/scorecard-templates", "scorecard-templates")
evaluations = make_router("/v1/scorecard-evaluations", "scorecard-evaluations")
PeriodQuery = Annotated[str | None, Query(pattern=PERIOD_RE)]


@templates.get(
    "",
    response_model=TemplatePage,
    summary="List scorecard templates",
    operation_id="scorecard_templates_list",
)
async def list_templates(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    direction: Direction | None = None,
    code: str | None = None,
) -> TemplatePage:
    rows, next_cursor = await service.list_templates(
        session, limit=limit, cursor=cursor, direction=direction, code=code
    )
    return TemplatePage(
        items=[TemplatePublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@templates.post(
    "",
    response_model=TemplatePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a scorecard template (weights sum to 100)",
    operation_id="scorecard_templates_create",
    responses=problem_responses(409),
)
async def create_template(
    body: TemplateCreate, session: SessionDep, caller: Writer, response: Response
) -> TemplatePublic:
    template = await service.create_template(session, body, caller=caller)
    set_etag(response, template.version)
    response.headers["Location"] = f"/v1/scorecard-templates/{template.id}"
    return TemplatePublic.model_validate(template)


@templates.get(
    "/{template_id}",
    response_model=TemplatePublic,
    summary="Get a scorecard template",
    operation_id="scorecard_templates_get",
    responses=problem_responses(404),
)
async def get_template(
    template_id: UUID, session: SessionDep, caller: Reader, response: Response
) -> TemplatePublic:
    template = await service.get_template(session, template_id)
    set_etag(response, template.version)
    return TemplatePublic.model_validate(template)


@templates.patch(
    "/{template_id}",
    response_model=TemplatePublic,
    summary="Update a scorecard template (factors only while unused)",
    operation_id="scorecard_templates_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_template(
    template_id: UUID,
    body: TemplateUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> TemplatePublic:
    service.authorize_template_write(caller)
    template = await service.get_template(session, template_id)
    check_if_match(if_match, template.version)
    template = await service.update_template(session, template, body)
    set_etag(response, template.version)
    return TemplatePublic.model_validate(template)


@evaluations.get(
    "",
    response_model=EvaluationPage,
    summary="List scorecard evaluations",
    operation_id="scorecard_evaluations_list",
)
async def list_evaluations(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    dealer_id: UUID | None = None,
    template_id: UUID | None = None,
    period: PeriodQuery = None,
) -> EvaluationPage:
    filters = {"dealer_id": dealer_id, "template_id": template_id, "period": period}
    rows, next_cursor = await service.list_evaluations(
        session, caller=caller, limit=limit, cursor=cursor, filters=filters
    )
    return EvaluationPage(
        items=[EvaluationPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@evaluations.get(
    "/trend",
    response_model=Trend,
    summary="A dealer's totals under a template, period by period",
    operation_id="scorecard_evaluations_trend",
    responses=problem_responses(404),
)
async def trend(session: SessionDep, caller: Reader, dealer_id: UUID, template_id: UUID) -> Trend:
    await dealers_service.get(session, dealer_id, caller=caller)
    points = await service.trend(session, dealer_id=dealer_id, template_id=template_id)
    return Trend(dealer_id=dealer_id, template_id=template_id, items=points)


@evaluations.get(
    "/ranking",
    response_model=Ranking,
    summary="Dealers ranked by their latest total under a template",
    operation_id="scorecard_evaluations_ranking",
)
async def ranking(
    session: SessionDep, caller: Reader, template_id: UUID, limit: Limit = 50
) -> Ranking:
    rows = await service.ranking(session, template_id=template_id, caller=caller, limit=limit)
    return Ranking(template_id=template_id, items=rows)


@evaluations.post(
    "",
    response_model=EvaluationPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Evaluate a dealer for a period under a template",
    operation_id="scorecard_evaluations_create",
    responses=problem_responses(409),
)
async def create_evaluation(
    body: EvaluationCreate, session: SessionDep, caller: Writer, response: Response
) -> EvaluationPublic:
    evaluation = await service.evaluate(session, body, caller=caller)
    set_etag(response, evaluation.version)
    response.headers["Location"] = f"/v1/scorecard-evaluations/{evaluation.id}"
    return EvaluationPublic.model_validate(evaluation)


@evaluations.get(
    "/{evaluation_id}",
    response_model=EvaluationPublic,
    summary="Get a scorecard evaluation",
    operation_id="scorecard_evaluations_get",
    responses=problem_responses(404),
)
async def get_evaluation(
    evaluation_id: UUID, session: SessionDep, caller: Reader, response: Response
) -> EvaluationPublic:
    evaluation = await service.get_evaluation(session, evaluation_id, caller=caller)
    set_etag(response, evaluation.version)
    return EvaluationPublic.model_validate(evaluation)


@evaluations.delete(
    "/{evaluation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a scorecard evaluation (to enter it again)",
    operation_id="scorecard_evaluations_delete",
    responses=problem_responses(404, 412, 428),
)
async def delete_evaluation(
    evaluation_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    evaluation = await service.get_evaluation(session, evaluation_id, caller=caller)
    service.authorize_template_write(caller)
    check_if_match(if_match, evaluation.version)
    await service.delete_evaluation(session, evaluation)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
