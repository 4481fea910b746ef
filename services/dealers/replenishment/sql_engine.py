"""The PostgreSQL engine of a computation: the window's sums into a temporary table, then one
`INSERT … SELECT` that computes every figure (the formulas of `figures`, operation for
operation) and writes the proposals, then the reorder points onto the stock positions."""

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Integer,
    MetaData,
    Numeric,
    Select,
    Table,
    Uuid,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.identity import Principal
from services.dealers.replenishment.figures import BUILT_IN, POLICY_FIELDS, z_of
from services.dealers.replenishment.inputs import (
    MAX_QUANTITY,
    MAX_REORDER_POINT,
    POLICIES,
    POSITIONS,
    PROPOSALS,
    inputs,
)
from services.dealers.replenishment.schemas import ComputeRequest

# A computation's memory for hashing its pairs (100,000 pairs fit); the server default is 4MB.
WORK_MEM = "64MB"
# The aggregate goes into CREATE TABLE AS, which takes no bind parameters: its values (ids and
# dates, never free text) are rendered into the statement.
LITERAL = {"literal_binds": True}


async def _z_table(session: AsyncSession) -> tuple[list[float], list[float]]:
    """z for every service level a policy names, and for the built-in one."""
    levels = set((await session.scalars(select(POLICIES.c.service_level).distinct())).all())
    levels.add(BUILT_IN.service_level)
    ordered = sorted(levels)
    return ordered, [z_of(level) for level in ordered]


async def compute_in_sql(
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
    i = inputs(scope, caller, sales).subquery("i")
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
