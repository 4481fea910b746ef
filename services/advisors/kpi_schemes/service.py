"""KPI-scheme rules: weights sum to 100, each KPI once, each rule complete, grades in order."""

from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, no_nulls, page
from services.advisors.events import emit_record
from services.advisors.kpi_schemes.schemas import (
    GradeBands,
    KpiRule,
    SchemeCreate,
    SchemePublic,
    SchemeUpdate,
)
from services.advisors.models import KpiScheme


async def get(session: AsyncSession, scheme_id: UUID) -> KpiScheme:
    return await get_or_404(session, KpiScheme, scheme_id, "KPI scheme")


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[KpiScheme], str | None]:
    return await page(session, KpiScheme, filters, limit=limit, cursor=cursor)


def check_kpis(kpis: list[KpiRule]) -> None:
    seen: set[str] = set()
    for i, rule in enumerate(kpis):
        if rule.kpi in seen:
            raise field_error(f"#/kpis/{i}/kpi", "is already in the scheme")
        seen.add(rule.kpi)
        if rule.rule == "linear" and not rule.target:
            raise field_error(f"#/kpis/{i}/target", "a linear rule needs a target above 0")
        if rule.rule == "bands" and not rule.bands:
            raise field_error(f"#/kpis/{i}/bands", "a bands rule needs its bands")
    total = sum(rule.weight for rule in kpis)
    if total != 100:
        raise field_error("#/kpis", f"weights sum to {total}, not 100")


def check_grades(bands: GradeBands) -> None:
    if not bands.A > bands.B > bands.C:
        raise field_error("#/grade_bands", "must fall from A to B to C")


def _columns(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


async def create(session: AsyncSession, data: SchemeCreate, *, caller: Principal) -> KpiScheme:
    check_kpis(data.kpis)
    check_grades(data.grade_bands)
    if await session.scalar(select(exists().where(col(KpiScheme.code) == data.code))):
        raise Conflict(f"A KPI scheme with code {data.code} already exists.", field="code")
    scheme = KpiScheme(
        code=data.code,
        name=data.name,
        base_amount=data.base_amount,
        kpis=[_columns(k.model_dump(mode="json")) for k in data.kpis],
        grade_bands=data.grade_bands.model_dump(),
        grade_coefficients=data.grade_coefficients.model_dump(),
    )
    session.add(scheme)
    await session.flush()
    await _emit(session, "kpi_scheme.created", scheme, caller)
    return scheme


async def update(
    session: AsyncSession, scheme: KpiScheme, data: SchemeUpdate, *, caller: Principal
) -> KpiScheme:
    changes = data.model_dump(exclude_unset=True, mode="json")
    no_nulls(changes, tuple(changes))
    if data.kpis is not None:
        check_kpis(data.kpis)
        changes["kpis"] = [_columns(k.model_dump(mode="json")) for k in data.kpis]
    if data.grade_bands is not None:
        check_grades(data.grade_bands)
    if data.base_amount is not None:
        changes["base_amount"] = data.base_amount
    apply_changes(scheme, changes)
    await session.flush()
    await _emit(session, "kpi_scheme.updated", scheme, caller)
    return scheme


async def _emit(session: AsyncSession, type_: str, scheme: KpiScheme, caller: Principal) -> None:
    await emit_record(session, type_, SchemePublic.model_validate(scheme), caller)
