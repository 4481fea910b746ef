"""Demo stock, sell-out and replenishment: sixty days of daily sell-out ending yesterday (UTC) for
every active demo outlet and a few products each, stock counts of those outlets and of the
dealers' warehouses, replenishment policies, and one computation of proposals per dealer.

The figures come from a small seeded simulation, so they hang together: an outlet sells from its
shelf (never more than it holds), orders on its review day up to a target, and receives from its
dealer's warehouse after its lead time; a warehouse ships what it holds (its sell-out is what it
ships) and is restocked by the manufacturer. One warehouse waits for a late delivery of one
product, so some of its outlets run out while shoppers still ask for it (断货).

Orders and payments are loaded elsewhere: `demo_network` and `StockDemo` give them the outlets,
products and final positions chosen here, `post_lines` and `create_once` the way to post."""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist, fmean, pstdev
from typing import Any

import httpx

DAYS = 60
WINDOW = 28  # the proposals' default window
MAX_LINES = 5000
CORE_RANGE = tuple(f"SKU-{n:03d}" for n in range(1, 13))  # the 500ml and 1L variants
# the count days (days after the first) of the snapshots before the current one
SNAPSHOTS = (4, 18, 32, 46)
# family (by catalogue position % 6: 酱油, 香醋, 菜籽油, 豆瓣酱, 花椒油, 火锅底料) → relative demand
FAMILY_DEMAND = (1.6, 1.0, 0.3, 0.9, 0.5, 1.2)
GRADE_DEMAND = {"A": 4.0, "B": 2.0, "C": 0.9}
TYPE_DEMAND = {
    "supermarket": 1.3,
    "convenience": 0.8,
    "specialty": 0.6,
    "wholesale": 1.5,
    "other": 0.7,
}
# Monday … Sunday; wholesale outlets sell to shops and restaurants, quieter at weekends
WEEKDAY = (0.9, 0.9, 0.95, 1.0, 1.15, 1.4, 1.3)
WEEKDAY_WHOLESALE = (1.1, 1.05, 1.05, 1.05, 1.1, 0.8, 0.6)
TYPE_DISCOUNT = {  # off list price, per cent: (lowest, highest)
    "supermarket": (2, 5),
    "convenience": (0, 2),
    "specialty": (0, 3),
    "wholesale": (5, 8),
    "other": (0, 3),
}
WAREHOUSE_DISCOUNT = 8  # a dealer sells to its outlets below list price
# grade defaults: lead time, review period, service level
GRADE_POLICY = {"A": (2, 7, 0.98), "B": (3, 7, 0.95), "C": (5, 14, 0.90)}
WAREHOUSE_POLICY = (7, 7, 0.95)  # the service's built-in default, which warehouses take
# (dealer code, product code, lead time, review period, service level, cartons per MOQ)
WAREHOUSE_POLICIES = (
    ("D-CD-001", "SKU-001", 5, 7, 0.97, 10),
    ("D-CD-001", "SKU-003", 5, 7, 0.97, 10),
    ("D-MY-001", "SKU-001", 6, 7, 0.97, 8),
    ("D-ZG-001", "SKU-006", 8, 14, 0.95, 5),
    ("D-CD-002", "SKU-001", 7, 7, 0.95, 20),
)
# the warehouse whose manufacturer delivery of one product is late: its outlets run dry
LATE = ("D-CD-002", "SKU-001")
LATE_DAYS = 16  # no delivery arrives in the last this many days


def _cents(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def chunked(items: list[dict[str, Any]], size: int = MAX_LINES) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def listed(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, page after page."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        r = client.get(
            path, params={"limit": 500, **params} | ({"cursor": cursor} if cursor else {})
        )
        r.raise_for_status()
        page = r.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def post_lines(client: httpx.Client, path: str, lines: list[dict[str, Any]]) -> dict[str, int]:
    """Post report lines in bulk requests of up to 5,000; every line must be accepted."""
    totals = {"created": 0, "updated": 0}
    for part in chunked(lines):
        r = client.post(path, json={"items": part})
        r.raise_for_status()
        result = r.json()
        if result["invalid"]:
            bad = [i for i in result["items"] if i["status"] == "invalid"]
            raise RuntimeError(f"{path}: {result['invalid']} invalid demo lines, e.g. {bad[:3]}")
        totals["created"] += result["created"]
        totals["updated"] += result["updated"]
    return totals


def create_once(client: httpx.Client, path: str, body: dict[str, Any], key: str) -> Any:
    """Create under an idempotency key: a replay answers the stored response; a 409 means an
    earlier run (or a person) already made it, and answers None."""
    r = client.post(path, json=body, headers={"Idempotency-Key": f"demo-{key}"})
    if r.status_code == 409:
        return None
    r.raise_for_status()
    return r.json()


@dataclass(frozen=True)
class DemoOutlet:
    id: str
    code: str
    dealer_id: str
    dealer_code: str
    grade: str
    type: str


@dataclass(frozen=True)
class DemoProduct:
    id: str
    code: str
    name: str
    pack_size: int
    list_price: Decimal

    @property
    def family(self) -> int:
        return (int(self.code[4:]) - 1) % 6


@dataclass
class DemoNetwork:
    """The demo dealers (id by code), their active outlets, the core range of products and which
    of them each outlet carries (product codes by outlet code)."""

    dealers: dict[str, str]
    outlets: list[DemoOutlet]
    products: dict[str, DemoProduct]
    assortment: dict[str, tuple[str, ...]]

    def warehouse_range(self, dealer_code: str) -> list[str]:
        """The products a dealer's warehouse stocks: what its outlets carry."""
        carried = {
            p for o in self.outlets if o.dealer_code == dealer_code for p in self.assortment[o.code]
        }
        return sorted(carried)


def demo_network(client: httpx.Client, dealers: dict[str, str]) -> DemoNetwork:
    """Read the active outlets and the core range back, and pick each outlet's products: grade A
    outlets carry five of the core range, B four, C three (seeded by the outlet's code)."""
    code_of = {id_: code for code, id_ in dealers.items()}
    outlets = [
        DemoOutlet(
            o["id"], o["code"], o["dealer_id"], code_of[o["dealer_id"]], o["grade"], o["type"]
        )
        for o in sorted(listed(client, "/v1/outlets", status="active"), key=lambda o: o["code"])
        if o["dealer_id"] in code_of
    ]
    products = {
        p["code"]: DemoProduct(
            p["id"], p["code"], p["name"], p["pack_size"], Decimal(p["list_price"])
        )
        for p in listed(client, "/v1/products")
        if p["code"] in CORE_RANGE
    }
    assortment: dict[str, tuple[str, ...]] = {}
    for o in outlets:
        rng = random.Random(f"assortment/{o.code}")
        size = {"A": 5, "B": 4, "C": 3}[o.grade]
        # soy sauce 500ml sells everywhere; the rest at random
        rest = rng.sample([c for c in CORE_RANGE[1:] if c in products], size - 1)
        assortment[o.code] = tuple(sorted(("SKU-001", *rest)))
    return DemoNetwork(dict(dealers), outlets, products, assortment)


# the simulation


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _target(rate: float, lead: int, review: int, level: float) -> float:
    """Order-up-to level for a mean daily demand `rate` (Poisson-like spread)."""
    z = NormalDist().inv_cdf(level)
    return rate * (lead + review) + z * math.sqrt(rate * 1.3) * math.sqrt(lead + review)


@dataclass
class _Shelf:
    """One location × product through the days."""

    on_hand: int
    arrivals: dict[int, int] = field(default_factory=dict)  # day index → quantity
    sold: dict[int, int] = field(default_factory=dict)
    counts: dict[int, tuple[int, int]] = field(default_factory=dict)  # day → on hand, in transit

    def in_transit(self, day: int) -> int:
        return sum(q for d, q in self.arrivals.items() if d > day)

    def count(self, day: int) -> None:
        self.counts[day] = (self.on_hand, self.in_transit(day))


@dataclass
class StockDemo:
    """What `load_stock` loaded: the network, the days, each location × product's last count
    (on hand, in transit) by (location id, product id), and the proposal computations."""

    network: DemoNetwork
    days: list[date]
    positions: dict[tuple[str, str], tuple[int, int]]
    sell_out_lines: int = 0
    stock_lines: int = 0
    created: dict[str, int] = field(default_factory=dict)  # new lines by collection
    policies: int = 0
    computations: dict[str, str] = field(default_factory=dict)  # dealer code → computation id
    proposals: int = 0
    reorder: int = 0
    stock_out: int = 0


def _simulate(
    net: DemoNetwork, days: list[date]
) -> tuple[dict[tuple[str, str], _Shelf], dict[tuple[str, str], _Shelf]]:
    """Run the outlets and warehouses day by day; answers their shelves by (code, product)."""
    outlet_of = {o.code: o for o in net.outlets}
    outlets: dict[tuple[str, str], _Shelf] = {}
    rates: dict[tuple[str, str], float] = {}
    outflow: dict[tuple[str, str], float] = {}  # mean daily demand on a warehouse's outlets
    for o in net.outlets:
        rng = random.Random(f"rate/{o.code}")
        lead, review, level = GRADE_POLICY[o.grade]
        for code in net.assortment[o.code]:
            p = net.products[code]
            variant = 1.0 if int(code[4:]) <= 6 else 0.6
            base = GRADE_DEMAND[o.grade] * TYPE_DEMAND[o.type] * FAMILY_DEMAND[p.family] * variant
            rate = rates[(o.code, code)] = base * rng.lognormvariate(0, 0.3)
            start = _target(rate, lead, review, level) * rng.uniform(0.5, 1.0)
            outlets[(o.code, code)] = _Shelf(on_hand=math.ceil(start))
            warehouse = (o.dealer_code, code)
            outflow[warehouse] = outflow.get(warehouse, 0.0) + rate
    warehouses: dict[tuple[str, str], _Shelf] = {}
    policy_of: dict[tuple[str, str], tuple[int, int, float]] = {}
    for key, rate in outflow.items():
        own = [(w[2], w[3], w[4]) for w in WAREHOUSE_POLICIES if w[:2] == key]
        policy_of[key] = own[0] if own else WAREHOUSE_POLICY
        warehouses[key] = _Shelf(on_hand=math.ceil(rate * 21))
    dealer_seq = {code: n for n, code in enumerate(net.dealers)}
    for day_index, day in enumerate(days):
        # morning: deliveries arrive
        for shelf in (*outlets.values(), *warehouses.values()):
            shelf.on_hand += shelf.arrivals.get(day_index, 0)
        # the day's sales, never more than the shelf holds
        for (outlet_code, code), shelf in outlets.items():
            o = outlet_of[outlet_code]
            rng = random.Random(f"sale/{outlet_code}/{code}/{day_index}")
            pattern = WEEKDAY_WHOLESALE if o.type == "wholesale" else WEEKDAY
            season = 1 + 0.5 * day_index / DAYS if net.products[code].family == 5 else 1.0
            demand = _poisson(rng, rates[(outlet_code, code)] * pattern[day.weekday()] * season)
            sold = min(demand, shelf.on_hand)
            shelf.on_hand -= sold
            if sold:
                shelf.sold[day_index] = sold
        # evening: outlets on their review day order from their dealer, who ships what it holds
        for (outlet_code, code), shelf in outlets.items():
            o = outlet_of[outlet_code]
            lead, review, level = GRADE_POLICY[o.grade]
            if (day_index + int(outlet_code[2:])) % review:
                continue
            rng = random.Random(f"order/{outlet_code}/{code}/{day_index}")
            want = _target(rates[(outlet_code, code)], lead, review, level) * rng.uniform(0.85, 1.2)
            need = math.ceil(want) - shelf.on_hand - shelf.in_transit(day_index)
            store = warehouses[(o.dealer_code, code)]
            shipped = min(max(0, need), store.on_hand)
            if shipped:
                store.on_hand -= shipped
                store.sold[day_index] = store.sold.get(day_index, 0) + shipped
                shelf.arrivals[day_index + lead] = shelf.arrivals.get(day_index + lead, 0) + shipped
        # warehouses on their review day order from the manufacturer, by the carton
        for key, store in warehouses.items():
            lead, review, level = policy_of[key]
            if (day_index + dealer_seq[key[0]]) % review:
                continue
            pack = net.products[key[1]].pack_size
            held = store.on_hand + store.in_transit(day_index)
            short = _target(outflow[key], lead, review, level) * 1.5 - held
            if short <= 0:
                continue
            arrival = day_index + lead
            if key == LATE and arrival >= DAYS - LATE_DAYS:
                if store.in_transit(day_index):
                    continue  # still waiting for the late one
                arrival = DAYS + 10
            store.arrivals[arrival] = (
                store.arrivals.get(arrival, 0) + math.ceil(short / pack) * pack
            )
        if day_index in SNAPSHOTS or day_index == DAYS - 1:
            for shelf in (*outlets.values(), *warehouses.values()):
                shelf.count(day_index)
    return outlets, warehouses


def _as_of(day: date) -> str:
    """A count taken at the end of `day`: midnight UTC after it."""
    return datetime.combine(day + timedelta(days=1), time(), UTC).isoformat()


def _sell_out_lines(
    net: DemoNetwork,
    days: list[date],
    outlets: dict[tuple[str, str], _Shelf],
    warehouses: dict[tuple[str, str], _Shelf],
) -> list[dict[str, Any]]:
    outlet_of = {o.code: o for o in net.outlets}
    lines: list[dict[str, Any]] = []
    for (outlet_code, code), shelf in outlets.items():
        o, p = outlet_of[outlet_code], net.products[code]
        low, high = TYPE_DISCOUNT[o.type]
        off = random.Random(f"discount/{outlet_code}/{code}").randint(low, high)
        price = p.list_price * (100 - off) / 100
        for day_index, quantity in sorted(shelf.sold.items()):
            lines.append(
                {
                    "location_id": o.id,
                    "product_id": p.id,
                    "day": days[day_index].isoformat(),
                    "quantity": quantity,
                    "amount": _cents(price * quantity),
                }
            )
    for (dealer_code, code), store in warehouses.items():
        p = net.products[code]
        price = p.list_price * (100 - WAREHOUSE_DISCOUNT) / 100
        for day_index, quantity in sorted(store.sold.items()):
            lines.append(
                {
                    "location_id": net.dealers[dealer_code],
                    "product_id": p.id,
                    "day": days[day_index].isoformat(),
                    "quantity": quantity,
                    "amount": _cents(price * quantity),
                }
            )
    return lines


def _stock_lines(
    net: DemoNetwork,
    days: list[date],
    outlets: dict[tuple[str, str], _Shelf],
    warehouses: dict[tuple[str, str], _Shelf],
) -> list[dict[str, Any]]:
    outlet_ids = {o.code: o.id for o in net.outlets}
    places = [((outlet_ids[c], p), s) for (c, p), s in outlets.items()]
    places += [((net.dealers[c], p), s) for (c, p), s in warehouses.items()]
    return [
        {
            "location_id": location_id,
            "product_id": net.products[code].id,
            "as_of": _as_of(days[day_index]),
            "on_hand": on_hand,
            "in_transit": in_transit,
        }
        for (location_id, code), shelf in places
        for day_index, (on_hand, in_transit) in sorted(shelf.counts.items())
    ]


def _due(shelf: _Shelf, grade: str) -> bool:
    """Whether the last count is at or below the reorder point the grade's policy gives."""
    lead, _, level = GRADE_POLICY[grade]
    daily = [shelf.sold.get(day, 0) for day in range(DAYS - WINDOW, DAYS)]
    safety = NormalDist().inv_cdf(level) * pstdev(daily) * math.sqrt(lead)
    return sum(shelf.counts[DAYS - 1]) <= fmean(daily) * lead + safety


def _policies(
    net: DemoNetwork, outlets: dict[tuple[str, str], _Shelf]
) -> list[tuple[str, dict[str, Any]]]:
    """Grade defaults, warehouse policies by the carton with a minimum order, two outlets buying
    by the carton and one outlet whose planner fixed its minimum and maximum."""
    bodies: list[tuple[str, dict[str, Any]]] = []
    for grade, (lead, review, level) in GRADE_POLICY.items():
        bodies.append(
            (
                f"policy-grade-{grade}",
                {
                    "outlet_grade": grade,
                    "lead_time_days": lead,
                    "review_period_days": review,
                    "service_level": level,
                },
            )
        )
    for dealer_code, code, lead, review, level, cartons in WAREHOUSE_POLICIES:
        pack = net.products[code].pack_size
        bodies.append(
            (
                f"policy-{dealer_code}-{code}",
                {
                    "location_id": net.dealers[dealer_code],
                    "product_id": net.products[code].id,
                    "lead_time_days": lead,
                    "review_period_days": review,
                    "service_level": level,
                    "order_multiple": pack,
                    "minimum_order_quantity": cartons * pack,
                },
            )
        )
    # two outlets due to reorder buy by the carton (their grade's figures otherwise)
    outlet_of = {o.code: o for o in net.outlets}
    due = [
        (outlet_of[place], code)
        for (place, code), shelf in sorted(outlets.items())
        if code != "SKU-001" and shelf.on_hand > 0 and _due(shelf, outlet_of[place].grade)
    ]
    for o, code in due[:2]:
        pack = net.products[code].pack_size
        lead, review, level = GRADE_POLICY[o.grade]
        bodies.append(
            (
                f"policy-{o.code}-{code}",
                {
                    "location_id": o.id,
                    "product_id": net.products[code].id,
                    "lead_time_days": lead,
                    "review_period_days": review,
                    "service_level": level,
                    "order_multiple": pack,
                    "minimum_order_quantity": pack,
                },
            )
        )
    # the first grade B outlet still stocked: its planner set a minimum of soy sauce above what
    # it holds now, so the override makes it order up to the planner's maximum
    fixed = next(
        o for o in net.outlets if o.grade == "B" and outlets[(o.code, "SKU-001")].on_hand > 0
    )
    held = sum(outlets[(fixed.code, "SKU-001")].counts[DAYS - 1])
    lead, review, level = GRADE_POLICY["B"]
    bodies.append(
        (
            f"policy-{fixed.code}-SKU-001",
            {
                "location_id": fixed.id,
                "product_id": net.products["SKU-001"].id,
                "lead_time_days": lead,
                "review_period_days": review,
                "service_level": level,
                "min_quantity": held + 12,
                "max_quantity": held + 60,
            },
        )
    )
    return bodies


def load_stock(client: httpx.Client, dealers: dict[str, str]) -> StockDemo:
    """Load sell-out, stock counts and policies, then compute proposals once per dealer.
    `dealers` are the demo dealer ids by code (what `load_dealers` answers)."""
    net = demo_network(client, dealers)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    days = [yesterday - timedelta(days=DAYS - 1 - n) for n in range(DAYS)]
    outlets, warehouses = _simulate(net, days)
    outlet_ids = {o.code: o.id for o in net.outlets}
    positions = {
        (outlet_ids[place], net.products[code].id): shelf.counts[DAYS - 1]
        for (place, code), shelf in outlets.items()
    } | {
        (net.dealers[place], net.products[code].id): shelf.counts[DAYS - 1]
        for (place, code), shelf in warehouses.items()
    }
    demo = StockDemo(net, days, positions)
    sell_out = _sell_out_lines(net, days, outlets, warehouses)
    done = post_lines(client, "/v1/sell-out-reports/bulk", sell_out)
    demo.sell_out_lines, demo.created["sell-out-reports"] = len(sell_out), done["created"]
    stock = _stock_lines(net, days, outlets, warehouses)
    done = post_lines(client, "/v1/stock-reports/bulk", stock)
    demo.stock_lines, demo.created["stock-reports"] = len(stock), done["created"]
    for key, body in _policies(net, outlets):
        create_once(client, "/v1/replenishment-policies", body, key)
        demo.policies += 1
    for dealer_code, dealer_id in net.dealers.items():
        r = client.post(
            "/v1/replenishment-proposals/compute",
            json={"dealer_id": dealer_id, "as_of": yesterday.isoformat(), "window_days": WINDOW},
        )
        r.raise_for_status()
        result = r.json()
        demo.computations[dealer_code] = result["computation_id"]
        items = result["items"]
        demo.proposals += result.get("pairs", len(items))
        demo.reorder += result.get("reorder", sum(1 for p in items if p["reorder"]))
        demo.stock_out += result.get("stock_out", sum(1 for p in items if p["stock_out"]))
    return demo
