"""Demo orders and payments, on the stock demo's network.

For each demo dealer: four orders from the manufacturer delivered 100, 70, 40 and 12 days ago
(recorded after the fact, as an ERP syncing them would), paid so that the receivables show every
ageing bucket and some overdue orders; an open order made from its warehouse's reorder proposals
(submitted and confirmed); and, for a few of its outlets, an order from their proposals (open)
and an earlier delivered one partly paid in cash. Open orders count in the inventory position of
the next proposals."""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx

from scripts.demo_stock import StockDemo, listed

# days ago each historical manufacturer order was delivered, and the share of it paid
HISTORY = ((100, Decimal("1")), (70, Decimal("0.5")), (40, Decimal("0")), (12, Decimal("0")))
# dealers whose oldest order is still unpaid (over 90 days)
SLOW_PAYERS = ("D-CD-004", "D-ZG-002")
OUTLETS_PER_DEALER = 3
CENT = Decimal("0.01")


@dataclass
class OrdersDemo:
    orders: int = 0
    payments: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def _ago(now: datetime, days: float) -> str:
    return (now - timedelta(days=days)).isoformat()


class _Loader:
    def __init__(self, client: httpx.Client, demo: StockDemo) -> None:
        self.client = client
        self.demo = demo
        self.result = OrdersDemo()
        # the day's start, as the stock demo's current counts: a rerun sends the same bodies
        self.now = datetime.combine(datetime.now(UTC).date(), time(0), UTC)

    def order(self, key: str, body: dict[str, Any], moves: list[tuple[str, str | None]]) -> Any:
        """Place an order under an idempotency key and make its moves; a replay (an earlier
        run made it) answers the stored order and makes none."""
        r = self.client.post("/v1/orders", json=body, headers={"Idempotency-Key": f"demo-{key}"})
        if r.status_code >= 400:
            raise RuntimeError(f"{key}: {r.status_code} {r.text}")
        order = r.json()
        if r.headers.get("idempotent-replayed") != "true":
            for status, at in moves:
                move = {"to": status} | ({"at": at} if at else {})
                step = self.client.post(f"/v1/orders/{order['id']}/transitions", json=move)
                if step.status_code == 409 and "credit" in step.json():
                    break  # over the credit limit: it stays where it is, as it would for real
                step.raise_for_status()
                order = step.json()
        self.result.orders += 1
        self.result.by_status[order["status"]] = self.result.by_status.get(order["status"], 0) + 1
        return order

    def pay(
        self, key: str, payer: str, order: dict[str, Any], amount: Decimal, **extra: Any
    ) -> None:
        if amount <= 0:
            return
        body = {
            "payer_id": payer,
            "amount": f"{amount:.2f}",
            "method": "bank_transfer",
            "paid_on": order["due_on"] or self.now.date().isoformat(),
            "allocations": [{"order_id": order["id"], "amount": f"{amount:.2f}"}],
        } | extra
        r = self.client.post("/v1/payments", json=body, headers={"Idempotency-Key": f"demo-{key}"})
        r.raise_for_status()
        self.result.payments += 1

    def history(self, dealer_code: str, dealer_id: str) -> None:
        net = self.demo.network
        rng = random.Random(f"orders/{dealer_code}")
        carried = net.warehouse_range(dealer_code)
        for n, (days, share) in enumerate(HISTORY):
            picked = rng.sample(carried, min(3, len(carried)))
            lines = [
                {
                    "product_id": net.products[code].id,
                    "quantity": net.products[code].pack_size * rng.randint(8, 30),
                }
                for code in sorted(picked)
            ]
            placed = days + 6
            order = self.order(
                f"order-{dealer_code}-h{n}",
                {
                    "buyer_id": dealer_id,
                    "code": f"PO-{dealer_code}-{n + 1:03d}",
                    "lines": lines,
                    "payment_terms_days": 30,
                    "placed_at": _ago(self.now, placed),
                },
                [
                    ("submitted", _ago(self.now, placed - 0.5)),
                    ("confirmed", _ago(self.now, placed - 1)),
                    ("shipped", _ago(self.now, days + 2)),
                    ("delivered", _ago(self.now, days)),
                ],
            )
            if order["status"] != "delivered":
                continue
            if dealer_code in SLOW_PAYERS and n == 0:
                share = Decimal("0")
            paid = (Decimal(order["total_amount"]) * share).quantize(CENT)
            self.pay(
                f"payment-{dealer_code}-h{n}",
                dealer_id,
                order,
                paid,
                code=f"BK-{dealer_code}-{n + 1:03d}",
            )

    def current(self, dealer_code: str, dealer_id: str) -> None:
        """Orders from this run's proposals. A rerun computes new proposals, so an earlier run's
        orders (found by their codes) stand for them instead of a second set."""
        computation = self.demo.computations.get(dealer_code)
        if computation is None or self._placed(f"PO-{dealer_code}-NOW", f"PO-{dealer_code}-O0"):
            return
        proposals = listed(
            self.client,
            "/v1/replenishment-proposals",
            computation_id=computation,
            reorder="true",
        )
        own = [p["id"] for p in proposals if p["location_id"] == dealer_id]
        if own:
            self.order(
                f"order-{dealer_code}-now",
                {"buyer_id": dealer_id, "proposal_ids": own, "code": f"PO-{dealer_code}-NOW"},
                [("submitted", None), ("confirmed", None)],
            )
        by_outlet: dict[str, list[str]] = {}
        for p in proposals:
            if p["location_type"] == "outlet":
                by_outlet.setdefault(p["location_id"], []).append(p["id"])
        for n, (outlet_id, ids) in enumerate(sorted(by_outlet.items())[:OUTLETS_PER_DEALER]):
            moves: list[tuple[str, str | None]] = [("submitted", None)]
            if n == 0:
                moves += [("confirmed", None), ("shipped", None)]
            self.order(
                f"order-{dealer_code}-o{n}",
                {"buyer_id": outlet_id, "proposal_ids": ids, "code": f"PO-{dealer_code}-O{n}"},
                moves,
            )

    def _placed(self, *codes: str) -> bool:
        return any(listed(self.client, "/v1/orders", code=code) for code in codes)

    def outlet_history(self, dealer_code: str) -> None:
        net = self.demo.network
        outlets = [o for o in net.outlets if o.dealer_code == dealer_code][:OUTLETS_PER_DEALER]
        for n, outlet in enumerate(outlets):
            code = net.assortment[outlet.code][0]
            product = net.products[code]
            order = self.order(
                f"order-{outlet.code}-h0",
                {
                    "buyer_id": outlet.id,
                    "lines": [{"product_id": product.id, "quantity": product.pack_size * 2}],
                    "payment_terms_days": 15,
                    "placed_at": _ago(self.now, 38),
                },
                [
                    ("submitted", _ago(self.now, 37.9)),
                    ("confirmed", _ago(self.now, 37.8)),
                    ("shipped", _ago(self.now, 36)),
                    ("delivered", _ago(self.now, 35)),
                ],
            )
            if order["status"] == "delivered":
                paid = (Decimal(order["total_amount"]) * Decimal("0.6")).quantize(CENT)
                if n % 2 == 0:
                    self.pay(f"payment-{outlet.code}-h0", outlet.id, order, paid, method="cash")


def load_orders(client: httpx.Client, demo: StockDemo) -> OrdersDemo:
    loader = _Loader(client, demo)
    for dealer_code, dealer_id in sorted(demo.network.dealers.items()):
        loader.history(dealer_code, dealer_id)
        loader.outlet_history(dealer_code)
        loader.current(dealer_code, dealer_id)
    return loader.result
