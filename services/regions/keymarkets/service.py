"""Key-market scoring models, and evaluations that rank regions and flag key markets."""

from collections import defaultdict
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, NotFound, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, must_exist, no_nulls, page
from services.regions import tree
from services.regions.keymarkets import scoring
from services.regions.keymarkets.schemas import (
    Criterion,
    CriterionScore,
    EvaluationCreate,
    ModelCreate,
    ModelPublic,
    ModelUpdate,
    RegionScore,
)
from services.regions.models import (
    KeyMarketEvaluation,
    KeyMarketModel,
    MarketSurvey,
    Region,
    SurveyLine,
    tables,
)
from services.regions.regions.service import emit_region


def check_criteria(criteria: list[Criterion]) -> None:
    seen: set[str] = set()
    for i, c in enumerate(criteria):
        if c.metric in seen:
            raise field_error(f"#/criteria/{i}/metric", "appears twice in this model")
        seen.add(c.metric)
        s, at = c.scoring, f"#/criteria/{i}/scoring"
        if s.kind == "bands":
            if s.bands is None:
                raise field_error(f"{at}/bands", "bands scoring needs bands")
            mins = [b.min for b in s.bands]
            if mins != sorted(set(mins)):
                raise field_error(f"{at}/bands", "minimums must rise band by band")
        elif s.floor is None or s.ceiling is None:
            raise field_error(f"{at}/{'ceiling' if s.floor is not None else 'floor'}", "is needed")
        elif s.ceiling <= s.floor:
            raise field_error(f"{at}/ceiling", "must be above the floor")
    total = sum(c.weight for c in criteria)
    if total != 100:
        raise field_error("#/criteria", f"weights sum to {total}, not 100")


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, code: str | None
) -> tuple[list[KeyMarketModel], str | None]:
    return await page(session, KeyMarketModel, {"code": code}, limit=limit, cursor=cursor)


async def create(session: AsyncSession, data: ModelCreate, *, caller: Principal) -> KeyMarketModel:
    check_criteria(data.criteria)
    if await session.scalar(select(exists().where(col(KeyMarketModel.code) == data.code))):
        raise Conflict(f"A key-market model with code {data.code} already exists.", field="code")
    model = KeyMarketModel(**data.model_dump(exclude_none=True))
    session.add(model)
    await session.flush()
    await _emit(session, "key_market_model.created", model, caller)
    return model


async def update(
    session: AsyncSession, model: KeyMarketModel, data: ModelUpdate, *, caller: Principal
) -> KeyMarketModel:
    no_nulls(data.model_dump(exclude_unset=True), ("name", "criteria"))
    if data.criteria is not None:
        check_criteria(data.criteria)
    # a scoring's unused floor, ceiling or bands are left out, as on create
    apply_changes(model, data.model_dump(exclude_unset=True, exclude_none=True))
    await session.flush()
    await _emit(session, "key_market_model.updated", model, caller)
    return model


async def delete(session: AsyncSession, model: KeyMarketModel, *, caller: Principal) -> None:
    kept = col(KeyMarketEvaluation.model_id) == model.id
    if await session.scalar(select(exists().where(kept))):
        raise Conflict("The model has evaluations, which are kept; it can't be deleted.")
    await _emit(session, "key_market_model.deleted", model, caller)
    await session.delete(model)
    await session.flush()


async def _emit(session: AsyncSession, type: str, model: KeyMarketModel, caller: Principal) -> None:
    data = ModelPublic.model_validate(model).model_dump(mode="json")
    await emit(session, tables.outbox, type, data | {"actor": caller.subject})


async def _candidates(session: AsyncSession, data: EvaluationCreate) -> list[Region]:
    if (data.region_ids is None) == (data.ancestor is None):
        raise field_error("#/region_ids", "give either region_ids or ancestor")
    if data.region_ids is not None:
        if len(set(data.region_ids)) != len(data.region_ids):
            raise field_error("#/region_ids", "lists a region twice")
        found = {
            r.id: r
            for r in await session.scalars(
                select(Region).where(col(Region.id).in_(data.region_ids))
            )
        }
        for i, rid in enumerate(data.region_ids):
            if rid not in found:
                raise field_error(f"#/region_ids/{i}", "no region has this id")
        return [found[r] for r in data.region_ids]
    assert data.ancestor is not None
    await must_exist(session, Region, data.ancestor, "#/ancestor")
    below = tree.subtree(data.ancestor)
    stmt = select(Region).where(
        col(Region.id).in_(select(below.c.id)), col(Region.id) != data.ancestor
    )
    if data.level is not None:
        stmt = stmt.where(col(Region.level) == data.level)
    regions = list(await session.scalars(stmt.order_by(col(Region.code)).limit(1001)))
    if len(regions) > 1000:
        raise field_error("#/ancestor", "has more than 1,000 regions below it; narrow with level")
    return regions


async def _latest_two(
    session: AsyncSession, region_ids: list[UUID]
) -> tuple[dict[UUID, list[MarketSurvey]], dict[UUID, Decimal]]:
    """Each region's two latest surveys, newest first, and the leading competitor's share in the
    newest."""
    surveys: dict[UUID, list[MarketSurvey]] = defaultdict(list)
    rows = await session.scalars(
        select(MarketSurvey)
        .where(col(MarketSurvey.region_id).in_(region_ids))
        .order_by(col(MarketSurvey.region_id), col(MarketSurvey.surveyed_on).desc())
    )
    for s in rows:
        if len(surveys[s.region_id]) < 2:
            surveys[s.region_id].append(s)
    newest = [v[0].id for v in surveys.values()]
    leaders = (
        await session.execute(
            select(col(SurveyLine.survey_id), func.max(SurveyLine.share))
            .where(col(SurveyLine.survey_id).in_(newest))
            .group_by(col(SurveyLine.survey_id))
        )
    ).all()
    by_survey = {sid: Decimal(share) for sid, share in leaders}
    return surveys, {rid: by_survey[v[0].id] for rid, v in surveys.items() if v[0].id in by_survey}


def _score_region(
    region: Region, criteria: list[dict[str, Any]], figures: dict[Any, float | None]
) -> dict[str, Any]:
    breakdown = []
    for c in criteria:
        value = figures.get(scoring.M(c["metric"]))
        s = scoring.score(value, c["scoring"])
        breakdown.append(
            CriterionScore(
                metric=c["metric"],
                value=value,
                score=s,
                weight=c["weight"],
                weighted=round(s * c["weight"] / 100, 4),
            )
        )
    return {
        "region_id": region.id,
        "code": region.code,
        "name": region.name,
        "score": round(sum(b.weighted for b in breakdown), 4),
        "breakdown": breakdown,
    }


async def evaluate(
    session: AsyncSession, model: KeyMarketModel, data: EvaluationCreate, *, caller: Principal
) -> KeyMarketEvaluation:
    regions = await _candidates(session, data)
    by_id = {r.id: r for r in regions}
    for i, rid in enumerate(data.mark):
        if rid not in by_id:
            raise field_error(f"#/mark/{i}", "is not among the evaluated regions")
    surveys, leaders = await _latest_two(session, list(by_id))
    scored = []
    for region in regions:
        mine = surveys.get(region.id, [])
        leader = leaders.get(region.id)
        figures = scoring.figures(
            mine[0] if mine else None,
            mine[1] if len(mine) > 1 else None,
            [] if leader is None else [leader],
        )
        scored.append(_score_region(region, model.criteria, figures))
    scored.sort(key=lambda s: (-s["score"], s["code"]))
    chosen = set(data.mark) | {s["region_id"] for s in scored[: data.top_n or 0]}
    result = [
        RegionScore(rank=i + 1, marked=s["region_id"] in chosen, **s) for i, s in enumerate(scored)
    ]
    for rid in chosen:
        region = by_id[rid]
        if not region.key_market:
            apply_changes(region, {"key_market": True})
            await session.flush()
            await emit_region(session, "region.updated", region, caller)
    evaluation = KeyMarketEvaluation(
        model_id=model.id,
        model_version=model.version,
        actor=caller.subject,
        inputs=data.model_dump(mode="json") | {"criteria": model.criteria},
        result=[r.model_dump(mode="json") for r in result],
    )
    session.add(evaluation)
    await session.flush()
    summary = {"id": str(evaluation.id), "model_id": str(model.id), "actor": caller.subject}
    marked = [str(r) for r in sorted(chosen)]
    await emit(session, tables.outbox, "key_market.evaluated", summary | {"marked": marked})
    return evaluation


async def get_evaluation(
    session: AsyncSession, model: KeyMarketModel, evaluation_id: UUID
) -> KeyMarketEvaluation:
    found = await session.get(KeyMarketEvaluation, evaluation_id)
    if found is None or found.model_id != model.id:
        raise NotFound(f"Evaluation {evaluation_id} of this model does not exist.")
    return found


async def list_evaluations(
    session: AsyncSession, model: KeyMarketModel, *, limit: int, cursor: str | None
) -> tuple[list[KeyMarketEvaluation], str | None]:
    filters = {"model_id": model.id}
    return await page(session, KeyMarketEvaluation, filters, limit=limit, cursor=cursor)
