"""Rules and queries of advisors and their reporting line. Services flush; the request's session
commits."""

from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.bulk import Batch, BulkResult, upsert_by_key
from chassis.copies import refuse_if_referenced
from chassis.db import serialize
from chassis.errors import Conflict, FieldError, ProblemError, Unprocessable, field_error
from chassis.identity import Principal
from chassis.outbox import emit_many
from chassis.queries import apply_changes, get_or_404, no_nulls, page
from chassis.validators import is_mobile
from services.advisors.advisors.schemas import AdvisorCreate, AdvisorPublic, AdvisorUpdate
from services.advisors.events import emit_record
from services.advisors.models import (
    INBOUND_REFERENCES,
    Advisor,
    AdvisorLevel,
    AdvisorRole,
    AdvisorStatus,
    metadata,
    tables,
)
from services.advisors.references import References

_REQUIRED = ("name", "role", "level", "status")


async def get(session: AsyncSession, advisor_id: UUID) -> Advisor:
    return await get_or_404(session, Advisor, advisor_id, "Advisor")


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    employee_code: str | None = None,
    role: AdvisorRole | None = None,
    region_id: UUID | None = None,
    manager_id: UUID | None = None,
    level: AdvisorLevel | None = None,
    status: AdvisorStatus | None = None,
) -> tuple[list[Advisor], str | None]:
    filters = {
        "employee_code": employee_code,
        "role": role,
        "region_id": region_id,
        "manager_id": manager_id,
        "level": level,
        "status": status,
    }
    return await page(session, Advisor, filters, limit=limit, cursor=cursor)


def _check_fields(changes: dict[str, Any]) -> None:
    no_nulls(changes, _REQUIRED)
    mobile = changes.get("mobile")
    if mobile is not None and not is_mobile(mobile):
        raise field_error("#/mobile", "must be a mainland mobile number: 11 digits from 1")


async def _check_manager(
    session: AsyncSession, manager_id: UUID | None, advisor_id: UUID | None
) -> None:
    """The manager exists and the reporting line stays a tree (nobody manages themselves)."""
    if manager_id is None:
        return
    if manager_id == advisor_id:
        raise field_error("#/manager_id", "an advisor cannot be their own manager")
    if advisor_id is not None:
        # two changes racing could each pass the cycle check and close a loop together
        await serialize(session, "advisors.reporting_line")
    manager = await session.get(Advisor, manager_id, populate_existing=True)
    if manager is None:
        raise field_error("#/manager_id", "no advisor has this id")
    if advisor_id is not None:
        await _check_no_cycle(session, manager, advisor_id)


async def _check_no_cycle(session: AsyncSession, manager: Advisor, advisor_id: UUID) -> None:
    """Refuse a manager who already reports, directly or not, to the advisor being changed."""
    seen: set[UUID] = set()
    current: Advisor | None = manager
    while current is not None and current.manager_id is not None and current.id not in seen:
        if current.manager_id == advisor_id:
            raise field_error(
                "#/manager_id", "the new manager reports to this advisor, directly or not"
            )
        seen.add(current.id)
        current = await session.get(Advisor, current.manager_id, populate_existing=True)


async def create(
    session: AsyncSession, data: AdvisorCreate, *, caller: Principal, refs: References
) -> Advisor:
    _check_fields(data.model_dump())
    code = data.employee_code
    if await session.scalar(select(exists().where(col(Advisor.employee_code) == code))):
        raise Conflict(
            f"An advisor with employee code {code} already exists.", field="employee_code"
        )
    await _check_manager(session, data.manager_id, None)
    await refs.check_region(session, data.region_id, "#/region_id")
    advisor = Advisor(**data.model_dump())
    session.add(advisor)
    await session.flush()
    await _emit(session, "advisor.created", advisor, caller)
    return advisor


async def update(
    session: AsyncSession,
    advisor: Advisor,
    data: AdvisorUpdate,
    *,
    caller: Principal,
    refs: References,
) -> Advisor:
    changes = data.model_dump(exclude_unset=True)
    _check_fields(changes)
    if "manager_id" in changes:
        await _check_manager(session, changes["manager_id"], advisor.id)
    await refs.check_region(session, changes.get("region_id"), "#/region_id")
    apply_changes(advisor, changes)
    await session.flush()
    await _emit(session, "advisor.updated", advisor, caller)
    return advisor


async def delete(session: AsyncSession, advisor: Advisor, *, caller: Principal) -> None:
    await _refuse_if_held(session, advisor)
    await _emit(session, "advisor.deleted", advisor, caller)
    await session.delete(advisor)
    await session.flush()


async def _refuse_if_held(session: AsyncSession, advisor: Advisor) -> None:
    """409 while the advisor manages advisors here or owns regions or targets in the regions
    service (counted from its feed): who and how many, in `references`."""
    what = f"Advisor {advisor.employee_code}"
    reports = await session.scalar(
        select(func.count()).where(col(Advisor.manager_id) == advisor.id)
    )
    local = {"advisors.manager_id": int(reports)} if reports else {}
    try:
        await refuse_if_referenced(session, INBOUND_REFERENCES, advisor.id, what)
    except Conflict as held:
        if not local:
            raise
        detail = held.detail.replace(what, f"{what} manages {reports} advisor(s) and", 1)
        raise Conflict(detail, references=local | held.extra["references"]) from None
    if local:
        raise Conflict(
            f"{what} manages {reports} advisor(s); reassign them first.", references=local
        )


async def _emit(session: AsyncSession, type_: str, advisor: Advisor, caller: Principal) -> None:
    await emit_record(session, type_, AdvisorPublic.model_validate(advisor), caller)


async def bulk_upsert(
    session: AsyncSession, raw: list[dict[str, Any]], *, caller: Principal, refs: References
) -> BulkResult:
    """Upsert by employee code in a few set-based statements; each item stands or falls alone."""
    batch = Batch(raw, AdvisorCreate)
    batch.first_by_key("employee_code")
    for index, item in list(batch.valid):
        try:
            _check_fields(item.model_dump())
        except ProblemError as exc:
            batch.reject(index, exc)
    await _check_regions(session, batch, refs)
    await serialize(session, "advisors.reporting_line")
    pairs = await session.execute(select(col(Advisor.id), col(Advisor.manager_id)))
    line: dict[UUID, UUID | None] = dict(pairs.all())
    known = await session.execute(select(col(Advisor.employee_code), col(Advisor.id)))
    codes: dict[str, UUID] = dict(known.all())
    for index, item in list(batch.valid):
        problem = _tree_problem(line, codes.get(item.employee_code), item.manager_id)
        if problem:
            batch.reject(index, FieldError("#/manager_id", problem))
        elif codes.get(item.employee_code):
            line[codes[item.employee_code]] = item.manager_id
    rows = [item.model_dump() for _, item in batch.valid]
    omitted = [Batch.omitted(item) for _, item in batch.valid]
    table = metadata.tables["advisors"]
    written = await upsert_by_key(session, table, rows, key="employee_code", omitted=omitted)
    results = {index: w for (index, _), w in zip(batch.valid, written, strict=True)}
    if written:
        fresh = await session.scalars(
            select(Advisor)
            .where(col(Advisor.id).in_([id_ for _, id_ in written]))
            .execution_options(populate_existing=True)
        )
        events = [
            (
                f"advisor.{'created' if s == 'created' else 'updated'}",
                AdvisorPublic.model_validate(a).model_dump(mode="json") | {"actor": caller.subject},
                (),
            )
            for a, (s, _) in zip(_in_order(list(fresh), written), written, strict=True)
        ]
        await emit_many(session, tables.outbox, events)
    return batch.result(results)


async def _check_regions(
    session: AsyncSession, batch: Batch[AdvisorCreate], refs: References
) -> None:
    """Items naming an unknown or deleted region are refused; each region is checked once (an
    owner that can't be asked fails the whole request: nothing is written)."""
    refused: dict[UUID, FieldError] = {}
    named = {item.region_id for _, item in batch.valid if item.region_id is not None}
    for region_id in sorted(named):
        try:
            await refs.check_region(session, region_id, "#/region_id")
        except Unprocessable as exc:
            refused[region_id] = exc.errors[0]
    for index, item in list(batch.valid):
        if item.region_id in refused:
            batch.reject(index, refused[item.region_id])


def _in_order(rows: list[Advisor], written: list[tuple[Any, UUID]]) -> list[Advisor]:
    by_id = {a.id: a for a in rows}
    return [by_id[id_] for _, id_ in written]


def _tree_problem(
    line: dict[UUID, UUID | None], advisor_id: UUID | None, manager_id: UUID | None
) -> str | None:
    """Why `manager_id` can't manage `advisor_id` in the reporting line `line`, if it can't."""
    if manager_id is None:
        return None
    if manager_id not in line:
        return "no advisor has this id"
    current: UUID | None = manager_id
    seen: set[UUID] = set()
    while current is not None and current not in seen:
        if current == advisor_id:
            return "the new manager reports to this advisor, directly or not"
        seen.add(current)
        current = line.get(current)
    return None
