"""Competitors and census surveys: shares never over 100 %, covered outlets within the total."""

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import delete as sql_delete
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, must_exist, no_nulls, page
from services.regions.market.schemas import (
    CompetitorCreate,
    CompetitorPublic,
    CompetitorUpdate,
    SurveyCreate,
    SurveyLineIn,
    SurveyLineOut,
    SurveyPublic,
    SurveyUpdate,
)
from services.regions.models import Competitor, MarketSurvey, Region, SurveyLine, tables

SURVEY_FIGURES = [n for n in SurveyUpdate.model_fields if n != "lines"]


async def list_competitors(
    session: AsyncSession, *, limit: int, cursor: str | None, code: str | None
) -> tuple[list[Competitor], str | None]:
    return await page(session, Competitor, {"code": code}, limit=limit, cursor=cursor)


async def create_competitor(
    session: AsyncSession, data: CompetitorCreate, *, caller: Principal
) -> Competitor:
    if await session.scalar(select(exists().where(col(Competitor.code) == data.code))):
        raise Conflict(f"A competitor with code {data.code} already exists.", field="code")
    competitor = Competitor(**data.model_dump())
    session.add(competitor)
    await session.flush()
    await _emit_competitor(session, "competitor.created", competitor, caller)
    return competitor


async def update_competitor(
    session: AsyncSession, competitor: Competitor, data: CompetitorUpdate, *, caller: Principal
) -> Competitor:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("name",))
    apply_changes(competitor, changes)
    await session.flush()
    await _emit_competitor(session, "competitor.updated", competitor, caller)
    return competitor


async def delete_competitor(
    session: AsyncSession, competitor: Competitor, *, caller: Principal
) -> None:
    if await session.scalar(select(exists().where(col(SurveyLine.competitor_id) == competitor.id))):
        raise Conflict(f"Competitor {competitor.code} appears in market surveys.")
    await _emit_competitor(session, "competitor.deleted", competitor, caller)
    await session.delete(competitor)
    await session.flush()


async def _emit_competitor(
    session: AsyncSession, type: str, competitor: Competitor, caller: Principal
) -> None:
    data = CompetitorPublic.model_validate(competitor).model_dump(mode="json")
    await emit(session, tables.outbox, type, data | {"actor": caller.subject})


async def list_surveys(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    region_id: UUID | None,
    surveyed_from: date | None,
    surveyed_to: date | None,
) -> tuple[list[MarketSurvey], str | None]:
    stmt = select(MarketSurvey)
    if surveyed_from is not None:
        stmt = stmt.where(col(MarketSurvey.surveyed_on) >= surveyed_from)
    if surveyed_to is not None:
        stmt = stmt.where(col(MarketSurvey.surveyed_on) <= surveyed_to)
    filters = {"region_id": region_id}
    return await page(session, MarketSurvey, filters, limit=limit, cursor=cursor, stmt=stmt)


async def lines_of(session: AsyncSession, survey_ids: list[UUID]) -> dict[UUID, list[SurveyLine]]:
    rows = await session.scalars(
        select(SurveyLine)
        .where(col(SurveyLine.survey_id).in_(survey_ids))
        .order_by(col(SurveyLine.share).desc(), col(SurveyLine.id))
    )
    out: dict[UUID, list[SurveyLine]] = {i: [] for i in survey_ids}
    for line in rows:
        out[line.survey_id].append(line)
    return out


def public(survey: MarketSurvey, lines: list[SurveyLine]) -> SurveyPublic:
    data = {k: getattr(survey, k) for k in SurveyPublic.model_fields if k != "lines"}
    return SurveyPublic(**data, lines=[SurveyLineOut.model_validate(x) for x in lines])


async def _check(session: AsyncSession, figures: dict[str, Any], lines: list[SurveyLineIn]) -> None:
    if figures["outlets_covered"] > figures["outlets_total"]:
        raise field_error("#/outlets_covered", "exceeds the outlets in the region")
    seen: set[UUID] = set()
    for i, line in enumerate(lines):
        if line.competitor_id in seen:
            raise field_error(f"#/lines/{i}/competitor_id", "appears twice in this survey")
        seen.add(line.competitor_id)
    if seen:
        found = set(
            await session.scalars(select(col(Competitor.id)).where(col(Competitor.id).in_(seen)))
        )
        for i, line in enumerate(lines):
            if line.competitor_id not in found:
                raise field_error(f"#/lines/{i}/competitor_id", "no competitor has this id")
    total = Decimal(figures["our_share"]) + sum((x.share for x in lines), Decimal(0))
    if total > 100:
        raise field_error("#/lines", f"our share and the competitors' add up to {total} % (> 100)")
    if sum(x.outlets for x in lines) and figures["outlets_total"] == 0:
        raise field_error("#/outlets_total", "is 0 while competitors have outlets")


async def create_survey(
    session: AsyncSession, data: SurveyCreate, *, caller: Principal
) -> tuple[MarketSurvey, list[SurveyLine]]:
    await must_exist(session, Region, data.region_id, "#/region_id")
    figures = data.model_dump(exclude={"lines"})
    await _check(session, figures, data.lines)
    taken = (col(MarketSurvey.region_id) == data.region_id) & (
        col(MarketSurvey.surveyed_on) == data.surveyed_on
    )
    if await session.scalar(select(exists().where(taken))):
        raise Conflict("This region already has a survey on that date.", field="surveyed_on")
    survey = MarketSurvey(**figures, period=data.surveyed_on.strftime("%Y-%m"))
    session.add(survey)
    await session.flush()
    lines = await _write_lines(session, survey, data.lines)
    await _emit_survey(session, "market_survey.created", survey, lines, caller)
    return survey, lines


async def update_survey(
    session: AsyncSession, survey: MarketSurvey, data: SurveyUpdate, *, caller: Principal
) -> tuple[MarketSurvey, list[SurveyLine]]:
    no_nulls(data.model_dump(exclude_unset=True), list(SurveyUpdate.model_fields))
    changes = data.model_dump(exclude_unset=True, exclude={"lines"})
    current = (await lines_of(session, [survey.id]))[survey.id]
    new_lines = data.lines if data.lines is not None else [_as_input(x) for x in current]
    figures = {k: getattr(survey, k) for k in SURVEY_FIGURES}
    await _check(session, figures | changes, new_lines)
    apply_changes(survey, changes)
    await session.flush()
    lines = current
    if data.lines is not None:
        await session.execute(sql_delete(SurveyLine).where(col(SurveyLine.survey_id) == survey.id))
        lines = await _write_lines(session, survey, data.lines)
    await _emit_survey(session, "market_survey.updated", survey, lines, caller)
    return survey, lines


async def delete_survey(session: AsyncSession, survey: MarketSurvey, *, caller: Principal) -> None:
    await emit(
        session,
        tables.outbox,
        "market_survey.deleted",
        {"id": str(survey.id), "region_id": str(survey.region_id), "actor": caller.subject},
    )
    await session.execute(sql_delete(SurveyLine).where(col(SurveyLine.survey_id) == survey.id))
    await session.delete(survey)
    await session.flush()


def _as_input(line: SurveyLine) -> SurveyLineIn:
    return SurveyLineIn.model_construct(
        competitor_id=line.competitor_id,
        share=line.share,
        outlets=line.outlets,
        price_level=line.price_level,
    )


async def _write_lines(
    session: AsyncSession, survey: MarketSurvey, lines: list[SurveyLineIn]
) -> list[SurveyLine]:
    rows = [SurveyLine(survey_id=survey.id, **x.model_dump()) for x in lines]
    session.add_all(rows)
    await session.flush()
    return sorted(rows, key=lambda x: -x.share)


async def _emit_survey(
    session: AsyncSession,
    type: str,
    survey: MarketSurvey,
    lines: list[SurveyLine],
    caller: Principal,
) -> None:
    data = public(survey, lines).model_dump(mode="json")
    await emit(session, tables.outbox, type, data | {"actor": caller.subject})
