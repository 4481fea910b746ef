"""What a computation reads and writes: the tables, the storage limits of the figures, the
proposals' ids, and the one query that gathers per location × product in scope its place, the
window's Σq and Σq², on hand, in transit, open orders and the applicable policy."""

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Float,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    null,
    select,
    union,
    union_all,
)

from chassis.identity import Principal
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
from services.dealers.replenishment.figures import BUILT_IN, POLICY_FIELDS
from services.dealers.replenishment.schemas import ComputeRequest

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


def proposal_id(computation_id: UUID, n: int) -> UUID:
    """The n-th proposal of a computation: the computation id's first ten bytes (its time and
    randomness) and n, so that a computation's proposals list in location × product order."""
    return UUID(hex=computation_id.hex[:20] + f"{n:012x}")


def places(scope: ComputeRequest, caller: Principal) -> Any:
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


def sales(scoped: Any, scope: ComputeRequest, first: date, last: date) -> Select[Any]:
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
        .where(s.c.location_id.in_(select(scoped.c.id)), s.c.day >= first, s.c.day <= last)
        .group_by(s.c.location_id, s.c.product_id)
    )
    if scope.product_id is not None:
        stmt = stmt.where(s.c.product_id == scope.product_id)
    return stmt


def inputs(scope: ComputeRequest, caller: Principal, window: Any) -> Any:
    """Per location × product in scope with a stock position or sales in the window: where it is,
    Σq and Σq² over the window, on hand, in transit, open orders and the applicable policy."""
    scoped = places(scope, caller)
    in_scope = select(scoped.c.id)
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
        select(window.c.location_id, window.c.product_id),
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
            scoped.c.location_type,
            scoped.c.dealer_id,
            scoped.c.region_id,
            func.coalesce(window.c.total, 0).label("total"),
            func.coalesce(window.c.squares, 0).label("squares"),
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
            keys.join(scoped, scoped.c.id == keys.c.location_id)
            .outerjoin(window, same_pair(window))
            .outerjoin(stock, same_pair(stock))
            .outerjoin(open_, same_pair(open_))
            .outerjoin(own, same_pair(own))
            .outerjoin(grade, grade.c.outlet_grade == scoped.c.grade)
        )
        .order_by(keys.c.location_id, keys.c.product_id)
    )
