"""HTTP routes of `/v1/key-market-models` and their evaluations."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.queries import get_or_404
from services.regions.deps import IfMatch, Reader, Writer, make_router
from services.regions.keymarkets import service
from services.regions.keymarkets.schemas import (
    EvaluationCreate,
    EvaluationPage,
    EvaluationPublic,
    ModelCreate,
    ModelPage,
    ModelPublic,
    ModelUpdate,
)
from services.regions.models import KeyMarketModel

router = make_router("/v1/key-market-models", "key-market-models")


@router.get(
    "",
    response_model=ModelPage,
    summary="List key-market models",
    operation_id="key_market_models_list",
)
async def list_models(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
) -> ModelPage:
    rows, next_cursor = await service.list_page(session, limit=limit, cursor=cursor, code=code)
    return ModelPage(items=[ModelPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=ModelPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a key-market scoring model (weights sum to 100)",
    operation_id="key_market_models_create",
    responses=problem_responses(409),
)
async def create_model(
    body: ModelCreate, session: SessionDep, caller: Writer, response: Response
) -> ModelPublic:
    model = await service.create(session, body, caller=caller)
    set_etag(response, model.version)
    response.headers["Location"] = f"/v1/key-market-models/{model.id}"
    return ModelPublic.model_validate(model)


@router.get(
    "/{model_id}",
    response_model=ModelPublic,
    summary="Get a key-market model",
    operation_id="key_market_models_get",
    responses=problem_responses(404),
)
async def get_model(
    model_id: UUID, session: SessionDep, _: Reader, response: Response
) -> ModelPublic:
    model = await get_or_404(session, KeyMarketModel, model_id, "Key-market model")
    set_etag(response, model.version)
    return ModelPublic.model_validate(model)


@router.patch(
    "/{model_id}",
    response_model=ModelPublic,
    summary="Rename a model or replace its criteria",
    operation_id="key_market_models_update",
    responses=problem_responses(404, 412, 428),
)
async def update_model(
    model_id: UUID,
    body: ModelUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ModelPublic:
    model = await get_or_404(session, KeyMarketModel, model_id, "Key-market model")
    check_if_match(if_match, model.version)
    model = await service.update(session, model, body, caller=caller)
    set_etag(response, model.version)
    return ModelPublic.model_validate(model)


@router.delete(
    "/{model_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a model that has no evaluations",
    operation_id="key_market_models_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_model(
    model_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    model = await get_or_404(session, KeyMarketModel, model_id, "Key-market model")
    check_if_match(if_match, model.version)
    await service.delete(session, model, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{model_id}/evaluations",
    response_model=EvaluationPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Score regions with the model, rank them and flag key markets",
    operation_id="key_market_models_evaluate",
    responses=problem_responses(404),
)
async def evaluate(
    model_id: UUID, body: EvaluationCreate, session: SessionDep, caller: Writer
) -> EvaluationPublic:
    model = await get_or_404(session, KeyMarketModel, model_id, "Key-market model")
    evaluation = await service.evaluate(session, model, body, caller=caller)
    return EvaluationPublic.model_validate(evaluation)


@router.get(
    "/{model_id}/evaluations",
    response_model=EvaluationPage,
    summary="List the model's kept evaluations",
    operation_id="key_market_models_evaluations_list",
    responses=problem_responses(404),
)
async def list_evaluations(
    model_id: UUID, session: SessionDep, _: Reader, limit: Limit = 50, cursor: Cursor = None
) -> EvaluationPage:
    model = await get_or_404(session, KeyMarketModel, model_id, "Key-market model")
    rows, next_cursor = await service.list_evaluations(session, model, limit=limit, cursor=cursor)
    return EvaluationPage(
        items=[EvaluationPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/{model_id}/evaluations/{evaluation_id}",
    response_model=EvaluationPublic,
    summary="Get an evaluation: who, when, inputs and ranked result",
    operation_id="key_market_models_evaluations_get",
    responses=problem_responses(404),
)
async def get_evaluation(
    model_id: UUID, evaluation_id: UUID, session: SessionDep, _: Reader
) -> EvaluationPublic:
    model = await get_or_404(session, KeyMarketModel, model_id, "Key-market model")
    return EvaluationPublic.model_validate(
        await service.get_evaluation(session, model, evaluation_id)
    )
