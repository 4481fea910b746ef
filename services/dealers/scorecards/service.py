"""Rules and queries of scorecards: weights sum to 100; an evaluation scores every factor of its
template once; total = Σ score / scale × weight (0–100); trends and rankings in SQL."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, Forbidden, NotFound, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.pagination import paginate
from services.dealers.common import check_unique, known_dealers
from services.dealers.models import Direction, ScorecardEvaluation, ScorecardTemplate, tables
from services.dealers.scorecards.schemas import (
    EvaluationCreate,
    EvaluationPublic,
    Factor,
    RankRow,
    TemplateCreate,
    TemplatePublic,
    TemplateUpdate,
    TrendPoint,
)

HUNDREDTH = Decimal("0.01")


def authorize_template_write(caller: Principal) -> None:
    if caller.is_partner:
        raise Forbidden("partners cannot change scorecard templates")


def _check_factors(factors: list[Factor]) -> None:
    seen: set[str] = set()
    for index, factor in enumerate(factors):
        if factor.code in seen:
            raise field_error(f"#/factors/{index}/code", "repeats an earlier factor")
        seen.add(factor.code)
    total = sum(f.weight for f in factors)
    if total != 100:
        raise field_error("#/factors", f"weights must sum to 100 (they sum to {total})")


async def get_template(session: AsyncSession, template_id: UUID) -> ScorecardTemplate:
    template = await session.get(ScorecardTemplate, template_id)
    if template is None:
        raise NotFound(f"Scorecard template {template_id} does not exist.")
    return template


async def list_templates(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    direction: Direction | None,
    code: str | None = None,
) -> tuple[list[ScorecardTemplate], str | None]:
    stmt = select(ScorecardTemplate)
    if code is not None:
        stmt = stmt.where(col(ScorecardTemplate.code) == code)
    if direction is not None:
        stmt = stmt.where(col(ScorecardTemplate.direction) == direction)
    return await paginate(session, stmt, col(ScorecardTemplate.id), limit=limit, cursor=cursor)


async def create_template(
    session: AsyncSession, data: TemplateCreate, *, caller: Principal
) -> ScorecardTemplate:
    authorize_template_write(caller)
    _check_factors(data.factors)
    changes = data.model_dump()
    await check_unique(session, ScorecardTemplate, changes, None, ("code",), "template")
    template = ScorecardTemplate(**changes)
    session.add(template)
    await session.flush()
    await _emit_template(session, "scorecard_template.created", template)
    return template


async def update_template(
    session: AsyncSession, template: ScorecardTemplate, data: TemplateUpdate
) -> ScorecardTemplate:
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "factors"):
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")
    if data.factors is not None:
        _check_factors(data.factors)
        used = exists().where(col(ScorecardEvaluation.template_id) == template.id)
        if await session.scalar(select(used)):
            raise Conflict("The template has evaluations; its factors are fixed.", field="factors")
    for name, value in changes.items():
        setattr(template, name, value)
    template.updated_at = datetime.now(UTC)
    await session.flush()
    await _emit_template(session, "scorecard_template.updated", template)
    return template


def total_of(template: ScorecardTemplate, scores: dict[str, int]) -> Decimal:
    points = sum(
        Decimal(scores[f["code"]]) / template.scale_max * f["weight"] for f in template.factors
    )
    return Decimal(points).quantize(HUNDREDTH)


def _check_scores(template: ScorecardTemplate, data: EvaluationCreate) -> dict[str, int]:
    factors = {f["code"] for f in template.factors}
    scores: dict[str, int] = {}
    for index, item in enumerate(data.scores):
        if item.factor not in factors:
            raise field_error(f"#/scores/{index}/factor", "is not a factor of the template")
        if item.factor in scores:
            raise field_error(f"#/scores/{index}/factor", "is scored twice")
        if item.score > template.scale_max:
            raise field_error(
                f"#/scores/{index}/score", f"exceeds the scale ({template.scale_max})"
            )
        scores[item.factor] = item.score
    missing = sorted(factors - scores.keys())
    if missing:
        raise field_error("#/scores", f"missing factors: {', '.join(missing)}")
    return scores


async def get_evaluation(
    session: AsyncSession, evaluation_id: UUID, *, caller: Principal
) -> ScorecardEvaluation:
    evaluation = await session.get(ScorecardEvaluation, evaluation_id)
    if evaluation is None or not caller.can_act_for(evaluation.dealer_id):
        raise NotFound(f"Scorecard evaluation {evaluation_id} does not exist.")
    return evaluation


def _scoped(stmt: Any, caller: Principal) -> Any:
    if caller.is_partner:
        stmt = stmt.where(col(ScorecardEvaluation.dealer_id).in_(caller.dealer_ids))
    return stmt


async def list_evaluations(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    filters: dict[str, Any],
) -> tuple[list[ScorecardEvaluation], str | None]:
    stmt = _scoped(select(ScorecardEvaluation), caller)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(ScorecardEvaluation, name) == value)
    return await paginate(session, stmt, col(ScorecardEvaluation.id), limit=limit, cursor=cursor)


async def evaluate(
    session: AsyncSession, data: EvaluationCreate, *, caller: Principal
) -> ScorecardEvaluation:
    template = await session.get(ScorecardTemplate, data.template_id)
    if template is None:
        raise field_error("#/template_id", f"template {data.template_id} does not exist")
    if not await known_dealers(session, [data.dealer_id], caller):
        raise field_error("#/dealer_id", f"dealer {data.dealer_id} does not exist")
    if caller.is_partner and template.direction != Direction.dealer_rates_manufacturer:
        raise Forbidden("partners only rate the manufacturer")
    scores = _check_scores(template, data)
    taken = exists().where(
        col(ScorecardEvaluation.template_id) == data.template_id,
        col(ScorecardEvaluation.dealer_id) == data.dealer_id,
        col(ScorecardEvaluation.period) == data.period,
    )
    if await session.scalar(select(taken)):
        raise Conflict("This dealer is already evaluated for that period.", field="period")
    evaluation = ScorecardEvaluation(
        template_id=data.template_id,
        dealer_id=data.dealer_id,
        period=data.period,
        scores=[s.model_dump() for s in data.scores],
        total=total_of(template, scores),
        evaluator=caller.subject,
    )
    session.add(evaluation)
    await session.flush()
    payload = EvaluationPublic.model_validate(evaluation).model_dump(mode="json")
    await emit(
        session,
        tables.outbox,
        "scorecard_evaluation.created",
        payload,
        dealer_ids=[evaluation.dealer_id],
    )
    return evaluation


async def delete_evaluation(session: AsyncSession, evaluation: ScorecardEvaluation) -> None:
    payload = EvaluationPublic.model_validate(evaluation).model_dump(mode="json")
    await emit(
        session,
        tables.outbox,
        "scorecard_evaluation.deleted",
        payload,
        dealer_ids=[evaluation.dealer_id],
    )
    await session.delete(evaluation)
    await session.flush()


async def trend(session: AsyncSession, *, dealer_id: UUID, template_id: UUID) -> list[TrendPoint]:
    e = ScorecardEvaluation
    stmt = (
        select(col(e.period), col(e.total))
        .where(col(e.dealer_id) == dealer_id, col(e.template_id) == template_id)
        .order_by(col(e.period))
    )
    return [TrendPoint(period=p, total=t) for p, t in (await session.execute(stmt)).all()]


async def ranking(
    session: AsyncSession, *, template_id: UUID, caller: Principal, limit: int
) -> list[RankRow]:
    """Dealers by their latest total under the template, best first (one window query)."""
    e = ScorecardEvaluation
    latest = func.row_number().over(partition_by=col(e.dealer_id), order_by=col(e.period).desc())
    inner = _scoped(
        select(col(e.dealer_id), col(e.period), col(e.total), latest.label("n")).where(
            col(e.template_id) == template_id
        ),
        caller,
    ).subquery()
    stmt = (
        select(inner.c.dealer_id, inner.c.period, inner.c.total)
        .where(inner.c.n == 1)
        .order_by(inner.c.total.desc(), inner.c.dealer_id)
        .limit(limit)
    )
    rows = (await session.execute(stmt)).all()
    return [RankRow(rank=i, dealer_id=d, period=p, total=t) for i, (d, p, t) in enumerate(rows, 1)]


async def _emit_template(session: AsyncSession, type: str, template: ScorecardTemplate) -> None:
    payload = TemplatePublic.model_validate(template).model_dump(mode="json")
    await emit(session, tables.outbox, type, payload)
