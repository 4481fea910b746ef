"""Rules and queries of replenishment: policies, and proposals computed from demand over a window
(days without sales count as zero), the current stock position, the open orders and the
applicable policy.

A computation is set-based: one query gathers per location × product the window's Σq and Σq², the
stock position, the open orders and the policy. On PostgreSQL the figures are computed in the same
statement, which inserts the proposals (`INSERT … SELECT`) and answers only the counts; on SQLite
the same inputs are read and the figures computed by `figures_from_sums`, the same formulas in the
same order of floating-point operations, so both databases store the same numbers."""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import NormalDist
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Integer,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    Uuid,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.bulk import is_postgres
from chassis.db import new_id
from chassis.errors import Conflict, Forbidden, NotFound, field_error
from chassis.identity import Principal
from chassis.pagination import encode_cursor, paginate
from services.dealers.common import chunks, known_products, locations, partners_own
from services.dealers.models import (
    OPEN_STATUSES,
    Dealer,
    Order,
    OrderLine,
    Outlet,
    ReplenishmentPolicy,
    ReplenishmentProposal,
    SellOutReport,
    StockPosition,
)
from services.dealers.replenishment.schemas import ComputeRequest, PolicyCreate, PolicyUpdate

PROPOSALS: Table = ReplenishmentProposal.__table__  # type: ignore[attr-defined]
POSITIONS: Table = StockPosition.__table__  # type: ignore[attr-defined]
POLICIES: Table = ReplenishmentPolicy.__table__  # type: ignore[attr-defined]
SELL_OUT: Table = SellOutReport.__table__  # type: ignore[attr-defined]
OUTLETS: Table = Outlet.__table__  # type: ignore[attr-defined]
DEALERS: Table = Dealer.__table__  # type: ignore[attr-defined]
ORDERS: Table = Order.__table__  # type: ignore[attr-defined]
ORDER_LINES: Table = OrderLine.__table__  # type: ignore[attr-defined]
# stock_positions.reorder_point is NUMERIC(14, 4)
MAX_REORDER_POINT = 9_999_999_999.0
# replenishment_proposals keeps quantities in INTEGER columns: larger figures are stored capped
MAX_QUANTITY = 2_147_483_647
CAPPED = ("open_orders", "inventory_position", "proposed_quantity")
# A computation's memory for hashing its pairs (100,000 pairs fit); the server default is 4MB.
WORK_MEM = "64MB"
# The aggregate goes into CREATE TABLE AS, which takes no bind parameters: its values (ids and
# dates, never free text) are rendered into the statement.
LITERAL = {"literal_binds": True}


@dataclass(frozen=True)
class Policy:
    lead_time_days: int = 7
    review_period_days: int = 7
    service_level: float = 0.95
    min_quantity: int | None = None
    max_quantity: int | None = None
    order_multiple: int = 1
    minimum_order_quantity: int = 0


BUILT_IN = Policy()
POLICY_FIELDS = tuple(Policy.__dataclass_fields__)


def z_of(service_level: float) -> float:
    return NormalDist().inv_cdf(service_level)


def figures_from_sums(
    days: int,
    total: int,
    squares: int,
    on_hand: int,
    in_transit: int,
    policy: Policy,
    open_orders: int = 0,
) -> dict[str, Any]:
    """The proposal's figures from Σq and Σq² over a window of `days` days (days without sales
    count as zero): d = Σq/N, σ = √(Σq²/N − d²). PostgreSQL computes the same in `_figures_sql`,
    operation for operation."""
    d = float(total) / days
    sigma = math.sqrt(max(float(squares) / days - d * d, 0.0))
    z = z_of(policy.service_level)
    lead, review = policy.lead_time_days, policy.review_period_days
    safety = z * sigma * math.sqrt(lead)
    reorder_point = d * lead + safety
    order_up_to = d * (lead + review) + safety
    if policy.min_quantity is not None:
        reorder_point = float(policy.min_quantity)
    if policy.max_quantity is not None:
        order_up_to = float(policy.max_quantity)
    position = on_hand + in_transit + open_orders
    quantity = 0
    reorder = position <= reorder_point and order_up_to - position > 0
    if reorder:
        multiple = policy.order_multiple
        quantity = math.ceil(round(order_up_to - position, 9) / multiple) * multiple
        if quantity < policy.minimum_order_quantity:
            quantity = math.ceil(policy.minimum_order_quantity / multiple) * multiple
    return {
        "z": z,
        "mean_daily_demand": d,
        "demand_std_dev": sigma,
        "on_hand": on_hand,
        "in_transit": in_transit,
        "open_orders": open_orders,
        "inventory_position": position,
        "safety_stock": safety,
        "reorder_point": reorder_point,
        "order_up_to": order_up_to,
        "reorder": reorder,
        "proposed_quantity": quantity,
        "days_of_cover": on_hand / d if d > 0 else None,
        "stock_out": on_hand == 0 and d > 0,
    }


def figures(
    daily: list[int], on_hand: int, in_transit: int, policy: Policy, open_orders: int = 0
) -> dict[str, Any]:
    """The proposal's figures from the daily demand of the window (zeros included)."""
    if not daily:
        return figures_from_sums(1, 0, 0, on_hand, in_transit, policy, open_orders)
    squares = sum(x * x for x in daily)
    return figures_from_sums(
        len(daily), sum(daily), squares, on_hand, in_transit, policy, open_orders
    )


# policies


def _visible_policies(stmt: Select[Any], caller: Principal) -> Select[Any]:
    if caller.is_partner:
        owned = col(ReplenishmentPolicy.dealer_id).in_(caller.dealer_ids)
        stmt = stmt.where(or_(owned, col(ReplenishmentPolicy.outlet_grade).is_not(None)))
    return stmt


async def create_policy(
    session: AsyncSession, data: PolicyCreate, *, caller: Principal
) -> ReplenishmentPolicy:
    dealer_id: UUID | None = None
    if data.outlet_grade is not None:
        if caller.is_partner:
            raise Forbidden("Only the manufacturer sets the defaults of an outlet grade.")
        scope = f"grade:{data.outlet_grade.value}"
    else:
        assert data.location_id is not None and data.product_id is not None
        places = await locations(session, [data.location_id], caller)
        if data.location_id not in places:
            raise field_error("#/location_id", "is not a known location")
        if data.product_id not in await known_products(session, [data.product_id]):
            raise field_error("#/product_id", "is not a known product")
        dealer_id = places[data.location_id].dealer_id
        scope = f"location:{data.location_id}:{data.product_id}"
    taken = await session.scalar(
        select(col(ReplenishmentPolicy.id)).where(col(ReplenishmentPolicy.scope) == scope)
    )
    if taken is not None:
        raise Conflict(f"Policy {taken} already covers this scope.", field="location_id")
    policy = ReplenishmentPolicy(**data.model_dump(), scope=scope, dealer_id=dealer_id)
    session.add(policy)
    await session.flush()
    return policy


async def get_policy(
    session: AsyncSession, policy_id: UUID, *, caller: Principal
) -> ReplenishmentPolicy:
    policy = await session.get(ReplenishmentPolicy, policy_id)
    hidden = policy is not None and policy.dealer_id is not None
    if policy is None or (hidden and not caller.can_act_for(policy.dealer_id)):
        raise NotFound(f"Replenishment policy {policy_id} does not exist.")
    return policy


def authorize_change(policy: ReplenishmentPolicy, caller: Principal) -> None:
    if policy.outlet_grade is not None and caller.is_partner:
        raise Forbidden("Only the manufacturer changes the defaults of an outlet grade.")


_REQUIRED = (
    "lead_time_days",
    "review_period_days",
    "service_level",
    "order_multiple",
    "minimum_order_quantity",
)


async def update_policy(
    session: AsyncSession, policy: ReplenishmentPolicy, data: PolicyUpdate
) -> ReplenishmentPolicy:
    """Merge the given fields (null clears `min_quantity` / `max_quantity`); min ≤ max after the
    merge."""
    changes = data.model_dump(exclude_unset=True)
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")
    low = changes.get("min_quantity", policy.min_quantity)
    high = changes.get("max_quantity", policy.max_quantity)
    if low is not None and high is not None and low > high:
        pointer = "#/min_quantity" if "min_quantity" in changes else "#/max_quantity"
        raise field_error(pointer, f"min_quantity {low} exceeds max_quantity {high}")
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.updated_at = datetime.now(UTC)
    await session.flush()
    return policy


async def delete_policy(session: AsyncSession, policy: ReplenishmentPolicy) -> None:
    await session.delete(policy)
    await session.flush()


async def list_policies(
    session: AsyncSession, *, caller: Principal, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[ReplenishmentPolicy], str | None]:
    stmt = _visible_policies(select(ReplenishmentPolicy), caller)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(ReplenishmentPolicy, name) == value)
    return await paginate(session, stmt, col(ReplenishmentPolicy.id), limit=limit, cursor=cursor)


# proposals


@dataclass(frozen=True)
class Computed:
    computation_id: UUID
    as_of: date
    window_days: int
    pairs: int
    reorder: int
    stock_out: int


def _places(scope: ComputeRequest, caller: Principal) -> Any:
    """The locations in scope, by their current owner: outlets (with their grade) and dealers'
    warehouses, as (id, location_type, dealer_id, region_id, grade)."""
    o, d = OUTLETS, DEALERS
    outlets = select(
        o.c.id,
        literal_column("'outlet'", String(10)).label("location_type"),
        o.c.dealer_id,
        o.c.region_id,
        o.c.grade,
    )
    warehouses = select(
        d.c.id,
        literal_column("'dealer'", String(10)).label("location_type"),
        d.c.id.label("dealer_id"),
        d.c.region_id,
        cast(null(), String(1)).label("grade"),
    )
    if caller.is_partner:
        outlets = outlets.where(o.c.dealer_id.in_(caller.dealer_ids))
        warehouses = warehouses.where(d.c.id.in_(caller.dealer_ids))
    if scope.dealer_id is not None:
        outlets = outlets.where(o.c.dealer_id == scope.dealer_id)
        warehouses = warehouses.where(d.c.id == scope.dealer_id)
    if scope.outlet_id is not None:
        outlets = outlets.where(o.c.id == scope.outlet_id)
        warehouses = warehouses.where(false())
    if scope.region_id is not None:
        outlets = outlets.where(o.c.region_id == scope.region_id)
        warehouses = warehouses.where(d.c.region_id == scope.region_id)
    return union_all(outlets, warehouses).subquery("places")


def _sales(places: Any, scope: ComputeRequest, first: date, last: date) -> Select[Any]:
    """Σq and Σq² per location × product over the window. Σq² adds floats: exact while it stays
    below 2⁵³, and far cheaper on PostgreSQL than its NUMERIC sum of BIGINTs."""
    s = SELL_OUT
    stmt = (
        select(
            s.c.location_id,
            s.c.product_id,
            func.sum(s.c.quantity).label("total"),
            func.sum(cast(s.c.quantity, Float) * s.c.quantity).label("squares"),
        )
        .where(s.c.location_id.in_(select(places.c.id)), s.c.day >= first, s.c.day <= last)
        .group_by(s.c.location_id, s.c.product_id)
    )
    if scope.product_id is not None:
        stmt = stmt.where(s.c.product_id == scope.product_id)
    return stmt


def _inputs(scope: ComputeRequest, caller: Principal, sales: Any) -> Any:
    """Per location × product in scope with a stock position or sales in the window: where it is,
    Σq and Σq² over the window, on hand, in transit, open orders and the applicable policy."""
    places = _places(scope, caller)
    in_scope = select(places.c.id)
    p, o, line = POSITIONS, ORDERS, ORDER_LINES
    stock_q = select(p.c.location_id, p.c.product_id, p.c.on_hand, p.c.in_transit).where(
        p.c.location_id.in_(in_scope)
    )
    open_q = (
        select(
            o.c.buyer_id.label("location_id"),
            line.c.product_id,
            func.sum(line.c.quantity).label("quantity"),
        )
        .select_from(o.join(line, line.c.order_id == o.c.id))
        .where(o.c.buyer_id.in_(in_scope), o.c.status.in_([s_.value for s_ in OPEN_STATUSES]))
        .group_by(o.c.buyer_id, line.c.product_id)
    )
    if scope.product_id is not None:
        stock_q = stock_q.where(p.c.product_id == scope.product_id)
        open_q = open_q.where(line.c.product_id == scope.product_id)
    stock, open_ = stock_q.cte("stock"), open_q.cte("open_orders")
    keys = union(
        select(sales.c.location_id, sales.c.product_id),
        select(stock.c.location_id, stock.c.product_id),
    ).cte("pairs")
    own = POLICIES.alias("own")
    grade = POLICIES.alias("grade_default")
    has_own = own.c.id.is_not(None)
    has_grade = grade.c.id.is_not(None)

    def pick(name: str) -> Any:
        default = getattr(BUILT_IN, name)
        return case(
            (has_own, own.c[name]),
            (has_grade, grade.c[name]),
            else_=null() if default is None else literal(default),
        ).label(name)

    def same_pair(other: Any) -> Any:
        return and_(
            other.c.location_id == keys.c.location_id, other.c.product_id == keys.c.product_id
        )

    return (
        select(
            keys.c.location_id,
            keys.c.product_id,
            places.c.location_type,
            places.c.dealer_id,
            places.c.region_id,
            func.coalesce(sales.c.total, 0).label("total"),
            func.coalesce(sales.c.squares, 0).label("squares"),
            func.coalesce(stock.c.on_hand, 0).label("on_hand"),
            func.coalesce(stock.c.in_transit, 0).label("in_transit"),
            func.coalesce(open_.c.quantity, 0).label("open_orders"),
            stock.c.location_id.is_not(None).label("has_position"),
            func.coalesce(own.c.id, grade.c.id).label("policy_id"),
            case((has_own, "location"), (has_grade, "grade"), else_="built-in").label(
                "policy_source"
            ),
            *(pick(name) for name in POLICY_FIELDS),
        )
        .select_from(
            keys.join(places, places.c.id == keys.c.location_id)
            .outerjoin(sales, same_pair(sales))
            .outerjoin(stock, same_pair(stock))
            .outerjoin(open_, same_pair(open_))
            .outerjoin(own, same_pair(own))
            .outerjoin(grade, grade.c.outlet_grade == places.c.grade)
        )
        .order_by(keys.c.location_id, keys.c.product_id)
    )


def proposal_id(computation_id: UUID, n: int) -> UUID:
    """The n-th proposal of a computation: the computation id's first ten bytes (its time and
    randomness) and n, so that a computation's proposals list in location × product order."""
    return UUID(hex=computation_id.hex[:20] + f"{n:012x}")


def before_first(computation_id: UUID) -> str:
    """A cursor just before a computation's first proposal: its page is then a short range of
    the primary key instead of a sort of the whole computation."""
    return encode_cursor(proposal_id(computation_id, 0))


async def compute(session: AsyncSession, scope: ComputeRequest, *, caller: Principal) -> Computed:
    """Proposals for every location × product in scope that has a stock position or sales in the
    window, stored under one computation id; the reorder point recorded on each stock position."""
    last = scope.as_of or datetime.now(UTC).date()
    if last.toordinal() < scope.window_days:
        raise field_error("#/as_of", "leaves no room for the window before the year 1")
    first = last - timedelta(days=scope.window_days - 1)
    computation_id = new_id()
    constants = {
        "computation_id": computation_id,
        "computed_at": datetime.now(UTC),
        "as_of": last,
        "window_days": scope.window_days,
    }
    sales = _sales(_places(scope, caller), scope, first, last)
    if is_postgres(session):
        counts = await _compute_in_sql(session, scope, caller, sales, constants)
    else:
        inputs = _inputs(scope, caller, sales.cte("sales"))
        counts = await _compute_in_python(session, inputs, constants)
    return Computed(computation_id, last, scope.window_days, *counts)


async def _z_table(session: AsyncSession) -> tuple[list[float], list[float]]:
    """z for every service level a policy names, and for the built-in one."""
    levels = set((await session.scalars(select(POLICIES.c.service_level).distinct())).all())
    levels.add(BUILT_IN.service_level)
    ordered = sorted(levels)
    return ordered, [z_of(level) for level in ordered]


async def _compute_in_sql(
    session: AsyncSession,
    scope: ComputeRequest,
    caller: Principal,
    sales_q: Select[Any],
    constants: dict[str, Any],
) -> tuple[int, int, int]:
    """The window's sums into a temporary table (`CREATE TABLE AS` may use parallel workers,
    an `INSERT` may not); then one statement: the inputs, the figures, `INSERT … SELECT` of the
    proposals, answering the counts only; then the reorder points onto the stock positions."""
    await session.execute(text("SET LOCAL jit = off"))  # compiling costs more than it saves
    await session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    name = f"replenishment_sales_{constants['computation_id'].hex}"
    aggregate = sales_q.compile(dialect=session.get_bind().dialect, compile_kwargs=LITERAL)
    await session.execute(text(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS {aggregate}"))
    sales = Table(
        name,
        MetaData(),
        Column("location_id", Uuid),
        Column("product_id", Uuid),
        Column("total", BigInteger),
        Column("squares", Float),
    )
    levels, zs = await _z_table(session)
    i = _inputs(scope, caller, sales).subquery("i")
    z_table = (
        select(
            func.unnest(bindparam("levels", levels, type_=ARRAY(DOUBLE_PRECISION))).label("level"),
            func.unnest(bindparam("zs", zs, type_=ARRAY(DOUBLE_PRECISION))).label("z"),
        )
    ).subquery("zt")
    days = constants["window_days"]
    f8 = DOUBLE_PRECISION
    d = cast(i.c.total, f8) / float(days)
    sigma = func.sqrt(func.greatest(cast(i.c.squares, f8) / float(days) - d * d, 0.0))
    lead, review = cast(i.c.lead_time_days, f8), cast(i.c.review_period_days, f8)
    safety = z_table.c.z * sigma * func.sqrt(lead)
    rop = case(
        (i.c.min_quantity.is_not(None), cast(i.c.min_quantity, f8)),
        else_=d * lead + safety,
    )
    up_to = case(
        (i.c.max_quantity.is_not(None), cast(i.c.max_quantity, f8)),
        else_=d * (lead + review) + safety,
    )
    position = i.c.on_hand + i.c.in_transit + cast(i.c.open_orders, BigInteger)
    reorder = and_(position <= rop, up_to - position > 0)
    multiple = i.c.order_multiple
    rounded = func.ceil(func.round(cast(up_to - position, Numeric), 9) / multiple) * multiple
    smallest = func.ceil(cast(i.c.minimum_order_quantity, Numeric) / multiple) * multiple
    quantity = case((reorder, func.greatest(rounded, smallest)), else_=0)
    number = func.row_number().over(order_by=(i.c.location_id, i.c.product_id))
    prefix = constants["computation_id"].hex[:20]
    values: dict[str, Any] = {
        "id": cast(func.concat(literal(prefix), func.lpad(func.to_hex(number), 12, "0")), Uuid),
        **{k: literal(v, PROPOSALS.c[k].type) for k, v in constants.items()},
        "location_id": i.c.location_id,
        "location_type": i.c.location_type,
        "dealer_id": i.c.dealer_id,
        "region_id": i.c.region_id,
        "product_id": i.c.product_id,
        "policy_id": i.c.policy_id,
        "policy_source": i.c.policy_source,
        **{name: i.c[name] for name in POLICY_FIELDS},
        "z": z_table.c.z,
        "mean_daily_demand": d,
        "demand_std_dev": sigma,
        "on_hand": i.c.on_hand,
        "in_transit": i.c.in_transit,
        "open_orders": func.least(i.c.open_orders, MAX_QUANTITY),
        "inventory_position": func.least(position, MAX_QUANTITY),
        "safety_stock": safety,
        "reorder_point": rop,
        "order_up_to": up_to,
        "reorder": reorder,
        "proposed_quantity": cast(func.least(quantity, MAX_QUANTITY), Integer),
        "days_of_cover": case((d > 0, cast(i.c.on_hand, f8) / d), else_=null()),
        "stock_out": and_(i.c.on_hand == 0, d > 0),
    }
    rows = select(*(expr.label(name) for name, expr in values.items())).select_from(
        i.join(z_table, z_table.c.level == i.c.service_level)
    )
    written = (
        insert(PROPOSALS)
        .from_select(list(values), rows)
        .returning(PROPOSALS.c.reorder, PROPOSALS.c.stock_out)
        .cte("written")
    )
    counted = select(
        func.count(),
        func.count().filter(written.c.reorder),
        func.count().filter(written.c.stock_out),
    )
    pairs, reorders, outs = (await session.execute(counted)).one()
    x = PROPOSALS
    new_rop = func.round(cast(func.least(x.c.reorder_point, MAX_REORDER_POINT), Numeric), 4)
    await session.execute(
        update(POSITIONS)
        .where(
            x.c.computation_id == constants["computation_id"],
            POSITIONS.c.location_id == x.c.location_id,
            POSITIONS.c.product_id == x.c.product_id,
            POSITIONS.c.reorder_point.is_distinct_from(new_rop),
        )
        .values(reorder_point=new_rop)
    )
    await session.execute(text(f"DROP TABLE {name}"))
    return int(pairs), int(reorders), int(outs)


async def _compute_in_python(
    session: AsyncSession, inputs: Any, constants: dict[str, Any]
) -> tuple[int, int, int]:
    days = constants["window_days"]
    rows: list[dict[str, Any]] = []
    reorder_points: list[dict[str, Any]] = []
    for n, r in enumerate((await session.execute(inputs)).mappings(), start=1):
        policy = Policy(**{name: r[name] for name in POLICY_FIELDS})
        on_hand, in_transit, open_orders = (
            int(r["on_hand"]),
            int(r["in_transit"]),
            int(r["open_orders"]),
        )
        got = figures_from_sums(
            days, int(r["total"]), int(r["squares"]), on_hand, in_transit, policy, open_orders
        )
        row = {
            "id": proposal_id(constants["computation_id"], n),
            **constants,
            "location_id": r["location_id"],
            "location_type": r["location_type"],
            "dealer_id": r["dealer_id"],
            "region_id": r["region_id"],
            "product_id": r["product_id"],
            "policy_id": r["policy_id"],
            "policy_source": r["policy_source"],
            **{name: r[name] for name in POLICY_FIELDS},
            **got,
            **{name: min(got[name], MAX_QUANTITY) for name in CAPPED},
        }
        rows.append(row)
        if r["has_position"]:
            reorder_points.append(
                {
                    "b_location": r["location_id"],
                    "b_product": r["product_id"],
                    "b_rop": round(min(got["reorder_point"], MAX_REORDER_POINT), 4),
                }
            )
    for part in chunks(rows, 500):
        await session.execute(insert(PROPOSALS), part)
    if reorder_points:
        await session.execute(
            update(POSITIONS)
            .where(
                POSITIONS.c.location_id == bindparam("b_location"),
                POSITIONS.c.product_id == bindparam("b_product"),
            )
            .values(reorder_point=bindparam("b_rop")),
            reorder_points,
        )
    return (
        len(rows),
        sum(1 for row in rows if row["reorder"]),
        sum(1 for row in rows if row["stock_out"]),
    )


async def list_proposals(
    session: AsyncSession, *, caller: Principal, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[ReplenishmentProposal], str | None]:
    stmt = partners_own(select(ReplenishmentProposal), ReplenishmentProposal, caller)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(ReplenishmentProposal, name) == value)
    return await paginate(session, stmt, col(ReplenishmentProposal.id), limit=limit, cursor=cursor)
