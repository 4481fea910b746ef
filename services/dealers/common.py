"""What the dealers service's resource areas share: scoped callers, If-Match, uniqueness checks,
strict field types and bulk plumbing. (Generic parts belong in the chassis one day.)"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Generic
from uuid import UUID

from pydantic import AfterValidator, Field
from pydantic_core import to_jsonable_python
from sqlalchemy import Select, Table, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.bulk import Batch, BulkRequest, M, is_postgres, matching
from chassis.errors import Conflict, FieldError
from chassis.identity import Principal, require_scopes
from chassis.validators import gtin_problem, is_mobile, uscc_problem
from services.dealers.models import Dealer, LocationType, Outlet, Product

Reader = Annotated[Principal, require_scopes("dealers:read")]
Writer = Annotated[Principal, require_scopes("dealers:write")]
# Reporting stock and sell-out and computing proposals from them: what partners' systems and the
# field force do all day, granted without the right to change master data.
Reporter = Annotated[Principal, require_scopes("stock:report")]
# Placing and moving orders and recording payments: a commercial act, granted on its own.
Trader = Annotated[Principal, require_scopes("orders:write")]
CENT = Decimal("0.01")


def _checked(problem: Any) -> AfterValidator:
    def check(value: str) -> str:
        found = problem(value)
        if found:
            raise ValueError(found)
        return value

    return AfterValidator(check)


def _mobile_problem(value: str) -> str | None:
    return None if is_mobile(value) else "must be a mainland mobile number: 11 digits from 1"


Code = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[0-9A-Z][0-9A-Z_-]{1,39}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
Uscc = Annotated[
    str,
    Field(
        min_length=18,
        max_length=18,
        description="Unified social credit code (GB 32100), check character verified",
        examples=["91350100M000100Y43"],
    ),
    _checked(uscc_problem),
]
Mobile = Annotated[
    str,
    Field(min_length=11, max_length=11, examples=["13800138000"]),
    _checked(_mobile_problem),
]
Gtin = Annotated[
    str,
    Field(min_length=8, max_length=14, pattern=r"^[0-9]+$", examples=["6901234567892"]),
    _checked(gtin_problem),
]


def quantize(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT)


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """A row as event data: ids, dates and money as strings."""
    out = to_jsonable_python(data)
    assert isinstance(out, dict)
    return out


async def check_unique(
    session: AsyncSession,
    model: Any,
    changes: dict[str, Any],
    record_id: UUID | None,
    fields: Iterable[str],
    what: str,
) -> None:
    """409 naming the field when another record already holds one of these unique values."""
    for name in fields:
        if changes.get(name) is None:
            continue
        taken = exists().where(getattr(model, name) == changes[name])
        if record_id is not None:
            taken = taken.where(model.id != record_id)
        if await session.scalar(select(taken)):
            raise Conflict(f"A {what} with {name} {changes[name]} already exists.", field=name)


async def reject_taken(
    session: AsyncSession, batch: Batch[Any], model: Any, field: str, what: str
) -> None:
    """Reject items whose unique `field` is held by a record with another code (run it before
    the repeated-value check, so that the item that may keep the value is the one kept)."""
    wanted: dict[Any, list[tuple[int, str]]] = {}
    for index, item in batch.valid:
        if getattr(item, field) is not None:
            wanted.setdefault(getattr(item, field), []).append((index, item.code))
    if not wanted:
        return
    stmt = select(model.code, getattr(model, field)).where(getattr(model, field).in_(wanted))
    for code, value in (await session.execute(stmt)).all():
        for index, item_code in wanted[value]:
            if code != item_code:
                batch.reject(index, FieldError(f"#/{field}", f"is held by another {what}"))


def partners_own(stmt: Select[Any], model: Any, caller: Principal) -> Select[Any]:
    """`stmt` narrowed to the rows of the caller's dealers when the caller is a partner (by the
    model's `dealer_id`): another dealer's record is then as absent as a missing one."""
    if caller.is_partner:
        stmt = stmt.where(col(model.dealer_id).in_(caller.dealer_ids))
    return stmt


async def known_dealers(
    session: AsyncSession, dealer_ids: Iterable[UUID], caller: Principal
) -> set[UUID]:
    """The dealers among `dealer_ids` that exist and that the caller may act for."""
    wanted = {d for d in dealer_ids if caller.can_act_for(d)}
    if not wanted:
        return set()
    rows = await session.scalars(select(col(Dealer.id)).where(col(Dealer.id).in_(wanted)))
    return set(rows.all())


MAX_LINES = 5000


class LineBulkRequest(BulkRequest[M], Generic[M]):
    """`{"items": [...]}` of up to 5,000 report lines, each checked on its own."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_LINES)


@dataclass(frozen=True)
class Location:
    type: LocationType
    dealer_id: UUID
    region_id: UUID


async def locations(
    session: AsyncSession, ids: Iterable[UUID], caller: Principal
) -> dict[UUID, Location]:
    """The locations among `ids` (a dealer's warehouse by the dealer's id, or an outlet) that
    exist and that the caller may act for."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    found: dict[UUID, Location] = {}
    outlets = select(col(Outlet.id), col(Outlet.dealer_id), col(Outlet.region_id)).where(
        matching(session, col(Outlet.id), wanted)
    )
    for id_, dealer, region in (await session.execute(outlets)).all():
        found[id_] = Location(LocationType.outlet, dealer, region)
    dealers = select(col(Dealer.id), col(Dealer.region_id)).where(
        matching(session, col(Dealer.id), wanted)
    )
    for id_, region in (await session.execute(dealers)).all():
        found[id_] = Location(LocationType.dealer, id_, region)
    return {k: v for k, v in found.items() if caller.can_act_for(v.dealer_id)}


async def known_products(session: AsyncSession, ids: Iterable[UUID]) -> set[UUID]:
    wanted = list(set(ids))
    if not wanted:
        return set()
    stmt = select(col(Product.id)).where(matching(session, col(Product.id), wanted))
    return set((await session.scalars(stmt)).all())


def dialect_insert(session: AsyncSession, table: Table) -> Any:
    """An INSERT that knows ON CONFLICT on either database."""
    return pg_insert(table) if is_postgres(session) else sqlite_insert(table)


def chunks(rows: list[dict[str, Any]], size: int = 1000) -> Iterator[list[dict[str, Any]]]:
    """Rows in slices small enough for the drivers' bind-parameter limits."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
