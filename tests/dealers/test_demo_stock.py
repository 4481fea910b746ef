"""The stock demo loads on the dealers' demo network (sixty days of sell-out, stock counts,
policies, proposals with outlets to reorder and a few stock-outs), and a second run adds no line."""

import asyncio
from decimal import Decimal
from typing import Any

from scripts.demo_dealers import load_dealers
from scripts.demo_orders import load_orders
from scripts.demo_stock import DAYS, listed, load_stock
from tests.dealers.demo_client import demo_headers, sync_client
from tests.harness import SERVICES, Databases

REGIONS = {
    "510100": "01a221de-6ceb-7108-8dab-d0c4dfae1f7d",
    "510700": "01a221de-6ceb-7108-8dab-d0c4dfae1f80",
}


def test_stock_demo_loads_and_replays(databases: Databases, backend: str) -> None:
    url = asyncio.run(databases.url("dealers", backend, "demo-stock"))
    app = SERVICES["dealers"].create_app(url)
    headers = demo_headers(
        "dealers", ("dealers:read", "dealers:write", "orders:write", "stock:report")
    )
    with sync_client(app, headers) as client:
        dealers = load_dealers(client, REGIONS, {})
        demo = load_stock(client, dealers)
        net = demo.network
        assert len(net.outlets) == 185 and len(net.products) == 12
        assert all(3 <= len(carried) <= 5 for carried in net.assortment.values())
        assert demo.created == {
            "sell-out-reports": demo.sell_out_lines,
            "stock-reports": demo.stock_lines,
        }
        assert demo.sell_out_lines > 20_000
        assert demo.policies == 11 and len(listed(client, "/v1/replenishment-policies")) == 11
        assert demo.proposals == len(demo.positions) and demo.proposals > 700
        assert 10 <= demo.reorder <= demo.proposals // 5
        assert 3 <= demo.stock_out <= 30

        days = sorted(
            {
                s["day"]
                for s in listed(
                    client, "/v1/sell-out-reports", product_id=net.products["SKU-001"].id
                )
            }
        )
        assert len(days) == DAYS and days[-1] == demo.days[-1].isoformat()

        out = listed(client, "/v1/stock-positions", out_of_stock="true")
        assert len(out) == sum(1 for on_hand, _ in demo.positions.values() if on_hand == 0)
        below = listed(client, "/v1/stock-positions", below_reorder_point="true")
        assert len(below) == demo.reorder

        proposals: list[dict[str, Any]] = []
        for computation_id in demo.computations.values():
            proposals += listed(
                client, "/v1/replenishment-proposals", computation_id=computation_id
            )
        assert len(proposals) == demo.proposals
        assert {p["policy_source"] for p in proposals} == {"grade", "location", "built-in"}
        assert any(p["stock_out"] and p["location_type"] == "dealer" for p in proposals)
        fixed = [p for p in proposals if p["min_quantity"] is not None]
        assert len(fixed) == 1 and fixed[0]["reorder"]
        assert (
            fixed[0]["proposed_quantity"]
            == fixed[0]["max_quantity"] - fixed[0]["inventory_position"]
        )
        by_carton = [p for p in proposals if p["order_multiple"] > 1 and p["reorder"]]
        assert len(by_carton) >= 2
        for p in by_carton:
            assert p["proposed_quantity"] % p["order_multiple"] == 0
            assert p["proposed_quantity"] >= p["minimum_order_quantity"]

        trade = load_orders(client, demo)
        assert trade.orders >= 50 and trade.payments >= 25
        assert trade.by_status.get("delivered", 0) >= 40
        assert {"submitted", "confirmed", "shipped"} <= trade.by_status.keys()
        owed = listed(client, "/v1/receivables", as_of=demo.days[-1].isoformat())
        dealers_owing = [r for r in owed if r["customer_type"] == "dealer"]
        assert len(dealers_owing) == len(dealers)
        assert all(Decimal(r["ageing"]["days_61_90"]) > 0 for r in dealers_owing)
        assert any(Decimal(r["ageing"]["over_90"]) > 0 for r in dealers_owing)
        assert all(r["overdue_orders"] >= 1 for r in dealers_owing)
        assert any(r["customer_type"] == "outlet" for r in owed)
        opened = [p for p in listed(client, "/v1/orders") if p["status"] == "confirmed"]
        assert opened and all(o["kind"] == "manufacturer_dealer" for o in opened)
        again_trade = load_orders(client, demo)
        assert again_trade.orders == trade.orders
        assert len(listed(client, "/v1/orders")) == trade.orders
        assert len(listed(client, "/v1/payments")) == trade.payments

        again = load_stock(client, dealers)
        assert again.created == {"sell-out-reports": 0, "stock-reports": 0}
        assert again.positions == demo.positions
