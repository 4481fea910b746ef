"""Rules and queries of scorecards: weights sum to 100; an evaluation scores every factor of its
template once; total = Σ score / scale × weight (0–100); trends and rankings in SQL."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, Forbidden, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, get_or_404, must_exist, no_nulls, page
from services.dealers.models import Direction, ScorecardEvaluation, ScorecardTemplate, tables
from services.dealers.partners import get_owned, known_dealers
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
from services.dealers.unique import check_unique

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
    return await get_or_404(session, ScorecardTemplate, template_id, "Scorecard template")


async def list_templates(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[ScorecardTemplate], str | None]:
    return await page(session, ScorecardTemplate, filters, limit=limit, cursor=cursor)


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
    no_nulls(changes, ("name", "factors"))
    if data.factors is not None:
        _check_factors(data.factors)
        used = exists().where(col(ScorecardEvaluation.template_id) == template.id)
        if await session.scalar(select(used)):
            raise Conflict("The template has evaluations; its factors are fixed.", field="factors")
    apply_changes(template, changes)
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
    what = "Scorecard evaluation"
    return await get_owned(session, ScorecardEvaluation, evaluation_id, what, caller)


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
    return await page(session, ScorecardEvaluation, filters, limit=limit, cursor=cursor, stmt=stmt)


async def evaluate(
    session: AsyncSession, data: EvaluationCreate, *, caller: Principal
) -> ScorecardEvaluation:
    template = await must_exist(session, ScorecardTemplate, data.template_id, "#/template_id")
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
