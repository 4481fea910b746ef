"""Assessments: every KPI measured in SQL, scored, weighted, graded and paid; recomputed until
locked; ranked per region and period."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.db import new_id, serialize
from chassis.errors import Conflict
from chassis.identity import Principal
from chassis.outbox import emit_many
from chassis.queries import apply_changes, chunks, dialect_insert, get_or_404, must_exist, page
from services.advisors.assessments.measures import measure
from services.advisors.assessments.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    AssessmentRun,
    AssessmentTransition,
    Leaderboard,
    LeaderboardEntry,
    RunResult,
)
from services.advisors.assessments.scoring import assess
from services.advisors.events import emit_record
from services.advisors.models import (
    Advisor,
    AdvisorStatus,
    Assessment,
    AssessmentState,
    KpiScheme,
    metadata,
    tables,
)
from services.advisors.transitions import check_move, check_version

MOVES = {AssessmentState.open: {AssessmentState.locked}, AssessmentState.locked: set()}


async def get(session: AsyncSession, assessment_id: UUID, *, lock: bool = False) -> Assessment:
    return await get_or_404(session, Assessment, assessment_id, "Assessment", for_update=lock)


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[Assessment], str | None]:
    return await page(session, Assessment, filters, limit=limit, cursor=cursor)


async def _figures(
    session: AsyncSession, scheme: KpiScheme, period: str, advisors: list[UUID] | None
) -> dict[UUID, dict[str, Any]]:
    """Columns of each advisor's assessment under `scheme` (advisors None: everyone measured)."""
    wanted = {rule["kpi"] for rule in scheme.kpis}
    values = await measure(session, period, advisors, wanted)
    now = datetime.now(UTC)
    figures = {}
    for advisor_id in advisors if advisors is not None else list(values):
        kpis, score, grade, incentive = assess(
            scheme.kpis,
            values.get(advisor_id, {}),
            scheme.grade_bands,
            scheme.grade_coefficients,
            scheme.base_amount,
        )
        figures[advisor_id] = {
            "kpis": kpis,
            "score": score,
            "grade": grade,
            "incentive": incentive,
            "computed_at": now,
        }
    return figures


async def create(session: AsyncSession, data: AssessmentCreate, *, caller: Principal) -> Assessment:
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    scheme = await must_exist(session, KpiScheme, data.scheme_id, "#/scheme_id")
    await serialize(session, f"assessments.{data.scheme_id}.{data.period}")
    taken = await session.scalar(
        select(col(Assessment.id)).where(
            col(Assessment.advisor_id) == data.advisor_id,
            col(Assessment.scheme_id) == data.scheme_id,
            col(Assessment.period) == data.period,
        )
    )
    if taken is not None:
        raise Conflict(
            f"The advisor is already assessed for {data.period} (assessment {taken}); "
            "recompute it instead.",
            field="period",
        )
    figures = (await _figures(session, scheme, data.period, [data.advisor_id]))[data.advisor_id]
    assessment = Assessment(**data.model_dump(), **figures)
    session.add(assessment)
    await session.flush()
    await _emit(session, "assessment.created", assessment, caller)
    return assessment


async def recompute(
    session: AsyncSession, assessment: Assessment, *, caller: Principal
) -> Assessment:
    _require_open(assessment)
    scheme = await get_or_404(session, KpiScheme, assessment.scheme_id, "KPI scheme")
    figures = await _figures(session, scheme, assessment.period, [assessment.advisor_id])
    apply_changes(assessment, figures[assessment.advisor_id])
    await session.flush()
    await _emit(session, "assessment.recomputed", assessment, caller)
    return assessment


async def transition(
    session: AsyncSession,
    assessment_id: UUID,
    data: AssessmentTransition,
    *,
    caller: Principal,
    if_match: str | None = None,
) -> Assessment:
    """Lock an assessment: its figures are final, runs and recomputes leave it alone."""
    assessment = await get(session, assessment_id, lock=True)
    check_version(if_match, assessment.version)
    current = AssessmentState.locked if assessment.locked else AssessmentState.open
    check_move(f"Assessment {assessment.id}", current, data.to, MOVES)
    apply_changes(assessment, {"locked": True})
    await session.flush()
    await _emit(session, "assessment.locked", assessment, caller, reason=data.reason)
    return assessment


def _require_open(assessment: Assessment) -> None:
    if assessment.locked:
        raise Conflict(f"Assessment {assessment.id} is locked.", field="locked")


async def run(session: AsyncSession, data: AssessmentRun, *, caller: Principal) -> RunResult:
    """Assess every active advisor (of a region) in a few set-based statements: new assessments
    are inserted, open ones recomputed, locked ones left alone."""
    scheme = await must_exist(session, KpiScheme, data.scheme_id, "#/scheme_id")
    await serialize(session, f"assessments.{data.scheme_id}.{data.period}")
    scope = select(col(Advisor.id)).where(col(Advisor.status) == AdvisorStatus.active)
    if data.region_id is not None:
        scope = scope.where(col(Advisor.region_id) == data.region_id)
    advisors = list((await session.scalars(scope)).all())
    existing = {
        row.advisor_id: (row.id, row.locked)
        for row in (
            await session.execute(
                select(
                    col(Assessment.advisor_id), col(Assessment.id), col(Assessment.locked)
                ).where(
                    col(Assessment.scheme_id) == data.scheme_id,
                    col(Assessment.period) == data.period,
                )
            )
        ).all()
    }
    open_ = [a for a in advisors if not existing.get(a, (None, False))[1]]
    figures = await _figures(session, scheme, data.period, open_) if open_ else {}
    now = datetime.now(UTC)
    rows = [
        {
            "id": existing[a][0] if a in existing else new_id(),
            "advisor_id": a,
            "scheme_id": data.scheme_id,
            "period": data.period,
            "locked": False,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            **figures[a],
        }
        for a in open_
    ]
    await _upsert(session, rows)
    created = sum(1 for a in open_ if a not in existing)
    await emit_many(
        session,
        tables.outbox,
        [("assessment.computed", _event(row, caller), ()) for row in rows],
    )
    return RunResult(
        created=created, recomputed=len(open_) - created, locked=len(advisors) - len(open_)
    )


async def _upsert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = metadata.tables["assessments"]
    changing = ("kpis", "score", "grade", "incentive", "computed_at", "updated_at")
    for chunk in chunks(rows, 500):
        stmt = dialect_insert(session, table).values(list(chunk))
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.advisor_id, table.c.scheme_id, table.c.period],
                set_={c: stmt.excluded[c] for c in changing} | {"version": table.c.version + 1},
                where=~table.c.locked,
            )
        )


def _event(row: dict[str, Any], caller: Principal) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "advisor_id": str(row["advisor_id"]),
        "scheme_id": str(row["scheme_id"]),
        "period": row["period"],
        "score": str(row["score"]),
        "grade": row["grade"],
        "incentive": str(row["incentive"]),
        "actor": caller.subject,
    }


async def leaderboard(
    session: AsyncSession,
    *,
    period: str,
    region_id: UUID | None,
    scheme_id: UUID | None,
    limit: int,
) -> Leaderboard:
    stmt = (
        select(Assessment, Advisor)
        .join(Advisor, col(Advisor.id) == col(Assessment.advisor_id))
        .where(col(Assessment.period) == period)
        .order_by(col(Assessment.score).desc(), col(Advisor.employee_code))
        .limit(limit)
    )
    if region_id is not None:
        stmt = stmt.where(col(Advisor.region_id) == region_id)
    if scheme_id is not None:
        stmt = stmt.where(col(Assessment.scheme_id) == scheme_id)
    items: list[LeaderboardEntry] = []
    for assessment, advisor in (await session.execute(stmt)).all():
        tied = items and items[-1].score == float(assessment.score)
        items.append(
            LeaderboardEntry(
                rank=items[-1].rank if tied else len(items) + 1,
                assessment_id=assessment.id,
                advisor_id=advisor.id,
                employee_code=advisor.employee_code,
                name=advisor.name,
                region_id=advisor.region_id,
                score=float(assessment.score),
                grade=assessment.grade,
                incentive=assessment.incentive,
            )
        )
    return Leaderboard(period=period, region_id=region_id, scheme_id=scheme_id, items=items)


async def _emit(
    session: AsyncSession,
    type_: str,
    assessment: Assessment,
    caller: Principal,
    **extra: Any,
) -> None:
    public = AssessmentPublic.model_validate(assessment)
    await emit_record(session, type_, public, caller, **extra)
