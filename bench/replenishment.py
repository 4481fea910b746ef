"""Sell-out ingest and replenishment compute on PostgreSQL through the gateway.

(a) ingest: 1,000,000 sell-out lines in requests of 5,000 (a few in flight); lines/s, and the
    ratio to a raw COPY (asyncpg `copy_records_to_table`) of the same rows into a copy of the
    table, measured in the same run. Target ≥ 25,000 lines/s.
(b) compute: proposals for 100,000 location × product pairs with 90 days of sales history
    (window 90) in one `POST /v1/replenishment-proposals/compute`; seconds, and the ratio to one
    plain SQL aggregate (Σq and Σq² grouped by pair) over the same rows. Target ≤ 5 s.

    .venv/bin/python -m bench.replenishment [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--pairs 100000] [--lines 1000000] [--batch 5000] [--concurrency 4] [--rounds 3]

The network: dealers, outlets and products through the gateway (pairs = outlets × products),
a stock position per pair (stock reports through the gateway), outlet-grade default policies, a
policy of its own for some pairs, and some open orders (written straight into the tables). The
ingest writes the last `lines / pairs` days of every pair; the rest of the 90 days is filled in
SQL (`INSERT … SELECT`), untimed. It drops and creates the databases ars_bench_replenishment_*;
the gateway runs in dev-auth mode (a staff principal with every scope), rate limits lifted.
"""

import sys
from pathlib import Path

# `python bench/<name>.py` puts bench/ first on the path, where `gateway` would be this script:
# import from the repository root instead.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import orjson

from bench.outlets_bulk import REGION, run_on_fresh_stack, url
from bench.processes import cpu_seconds
from scripts.demo_support import demo_uscc

PREFIX = "ars_bench_replenishment"
PRODUCTS = 50
DEALERS = 20
HISTORY = 90
LAST_DAY = date(2026, 11, 27)
WORK_MEM = "64MB"  # what the dealers service sets for a computation (see its service.py)
COLUMNS = (
    "id", "version", "created_at", "updated_at", "location_id", "location_type", "dealer_id",
    "region_id", "product_id", "day", "quantity", "amount",
)  # fmt: skip


async def post(client: httpx.AsyncClient, path: str, body: Any) -> Any:
    r = await client.post(path, content=orjson.dumps(body), headers=JSON)
    if r.status_code >= 300:
        raise RuntimeError(f"{path}: {r.status_code} {r.text[:500]}")
    return orjson.loads(r.content)


JSON = {"content-type": "application/json"}


async def bulk(client: httpx.AsyncClient, path: str, items: list[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    for start in range(0, len(items), 1000):
        answer = await post(client, path, {"items": items[start : start + 1000]})
        bad = [i for i in answer["items"] if i["status"] == "invalid"]
        if bad:
            raise RuntimeError(f"{path}: {bad[:3]}")
        ids += [i["id"] for i in answer["items"]]
    return ids


async def network(client: httpx.AsyncClient, pairs: int) -> dict[str, Any]:
    """Dealers, outlets (pairs / products of them) and products, through the gateway."""
    outlets = max(1, pairs // PRODUCTS)
    dealers = [
        {"code": f"RD{n:03d}", "name": f"经销商{n}", "uscc": demo_uscc(n), "region_id": REGION}
        for n in range(DEALERS)
    ]
    dealer_ids = await bulk(client, "/v1/dealers/bulk", dealers)
    products = [
        {"code": f"SKU-{n:04d}", "name": f"商品{n}", "unit": "瓶", "pack_size": 12,
         "list_price": "8.50"}
        for n in range(PRODUCTS)
    ]  # fmt: skip
    product_ids = await bulk(client, "/v1/products/bulk", products)
    shops = [
        {"code": f"RT{n:06d}", "name": f"终端{n}", "type": "convenience", "grade": "ABC"[n % 3],
         "region_id": REGION, "dealer_id": dealer_ids[n % DEALERS], "status": "active"}
        for n in range(outlets)
    ]  # fmt: skip
    outlet_ids = await bulk(client, "/v1/outlets/bulk", shops)
    dealer_of = {o: dealer_ids[n % DEALERS] for n, o in enumerate(outlet_ids)}
    return {"outlets": outlet_ids, "products": product_ids, "dealer_of": dealer_of}


def sell_out_lines(net: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """`count` lines: every pair, day after day, ending on LAST_DAY."""
    rng = random.Random(7)
    pairs = [(o, p) for o in net["outlets"] for p in net["products"]]
    days = -(-count // len(pairs))
    lines: list[dict[str, Any]] = []
    for back in range(days - 1, -1, -1):
        day = (LAST_DAY - timedelta(days=back)).isoformat()
        for outlet, product in pairs:
            quantity = rng.randrange(0, 20)
            lines.append(
                {
                    "location_id": outlet,
                    "product_id": product,
                    "day": day,
                    "quantity": quantity,
                    "amount": f"{quantity * 8.5:.2f}",
                }
            )
    return lines[-count:]


async def ingest(
    client: httpx.AsyncClient, bodies: list[bytes], concurrency: int
) -> tuple[float, dict[str, int]]:
    gate = asyncio.Semaphore(concurrency)
    totals = {"created": 0, "updated": 0, "invalid": 0}

    async def send(body: bytes) -> None:
        async with gate:
            r = await client.post("/v1/sell-out-reports/bulk", content=body, headers=JSON)
            if r.status_code != 200:
                raise RuntimeError(f"sell-out bulk: {r.status_code} {r.text[:500]}")
            answer = orjson.loads(r.content)
            for k in totals:
                totals[k] += answer[k]

    start = time.perf_counter()
    await asyncio.gather(*(send(b) for b in bodies))
    return time.perf_counter() - start, totals


async def raw_copy(dsn: str, lines: list[dict[str, Any]], dealer_of: dict[str, str]) -> float:
    """COPY the same rows into a fresh table shaped like sell_out_reports (indexes included)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP TABLE IF EXISTS sell_out_copy")
        await conn.execute("CREATE TABLE sell_out_copy (LIKE sell_out_reports INCLUDING ALL)")
        now = datetime.now(UTC)
        region = uuid.UUID(REGION)
        records = [
            (
                uuid.uuid4(),
                1,
                now,
                now,
                uuid.UUID(x["location_id"]),
                "outlet",
                uuid.UUID(dealer_of[x["location_id"]]),
                region,
                uuid.UUID(x["product_id"]),
                date.fromisoformat(x["day"]),
                x["quantity"],
                Decimal(x["amount"]),
            )
            for x in lines
        ]
        start = time.perf_counter()
        await conn.copy_records_to_table("sell_out_copy", records=records, columns=COLUMNS)
        return time.perf_counter() - start
    finally:
        await conn.execute("DROP TABLE IF EXISTS sell_out_copy")
        await conn.close()


async def stock(client: httpx.AsyncClient, net: dict[str, Any]) -> None:
    """A stock position for every pair, a few out of stock."""
    rng = random.Random(11)
    as_of = f"{LAST_DAY.isoformat()}T20:00:00+08:00"
    lines = [
        {"location_id": o, "product_id": p, "as_of": as_of, "on_hand": rng.choice((0, 5, 40, 90)),
         "in_transit": rng.choice((0, 0, 20))}
        for o in net["outlets"]
        for p in net["products"]
    ]  # fmt: skip
    for start in range(0, len(lines), 5000):
        await post(client, "/v1/stock-reports/bulk", {"items": lines[start : start + 5000]})


async def policies(client: httpx.AsyncClient, net: dict[str, Any]) -> None:
    for grade, level in (("A", 0.98), ("B", 0.95), ("C", 0.9)):
        await post(
            client,
            "/v1/replenishment-policies",
            {"outlet_grade": grade, "lead_time_days": 5, "review_period_days": 7,
             "service_level": level, "order_multiple": 6},
        )  # fmt: skip
    for outlet in net["outlets"][:100]:
        await post(
            client,
            "/v1/replenishment-policies",
            {"location_id": outlet, "product_id": net["products"][0], "lead_time_days": 3,
             "review_period_days": 7, "service_level": 0.97, "minimum_order_quantity": 24},
        )  # fmt: skip


async def fill_history(dsn: str, net: dict[str, Any], first_ingested: date) -> int:
    """The days of the 90 before the ingested ones, for every pair with a stock position; and
    an open order for a tenth of the outlets."""
    first = LAST_DAY - timedelta(days=HISTORY - 1)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET synchronous_commit = off")
        inserted = 0
        day = first
        while day < first_ingested:
            status = await conn.execute(
                """INSERT INTO sell_out_reports (id, version, created_at, updated_at, location_id,
                       location_type, dealer_id, region_id, product_id, day, quantity, amount)
                   SELECT gen_random_uuid(), 1, now(), now(), p.location_id, p.location_type,
                          p.dealer_id, p.region_id, p.product_id, $1, q, q * 8.5
                   FROM stock_positions p, LATERAL (SELECT floor(random() * 20)::int AS q) r""",
                day,
            )
            inserted += int(status.split()[-1])
            day += timedelta(days=1)
        now = datetime.now(UTC)
        for n, outlet in enumerate(net["outlets"][::10]):
            order_id = uuid.uuid4()
            dealer = uuid.UUID(net["dealer_of"][outlet])
            await conn.execute(
                """INSERT INTO orders (id, version, created_at, updated_at, kind, buyer_id,
                       buyer_type, seller_id, dealer_id, region_id, status, total_amount,
                       paid_amount, payment_terms_days, created_by)
                   VALUES ($1, 1, $2, $2, 'dealer_outlet', $3, 'outlet', $4, $4, $5, $6, 0, 0,
                           30, 'bench')""",
                order_id,
                now,
                uuid.UUID(outlet),
                dealer,
                uuid.UUID(REGION),
                ("submitted", "confirmed", "shipped")[n % 3],
            )
            await conn.executemany(
                """INSERT INTO order_lines (id, order_id, line_no, product_id, quantity,
                       unit_price, amount) VALUES ($1, $2, $3, $4, 12, 8.5, 102)""",
                [
                    (uuid.uuid4(), order_id, k + 1, uuid.UUID(p))
                    for k, p in enumerate(net["products"][:5])
                ],
            )
        await conn.execute("VACUUM ANALYZE")
        return inserted
    finally:
        await conn.close()


async def plain_aggregate(dsn: str, first: date) -> tuple[float, int]:
    """Σq and Σq² per pair over the window, in one statement (its rows counted, not fetched)."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            start = time.perf_counter()
            groups = await conn.fetchval(
                """SELECT count(*) FROM (
                       SELECT location_id, product_id, sum(quantity) AS total,
                              sum(quantity::float8 * quantity) AS squares
                       FROM sell_out_reports WHERE day BETWEEN $1 AND $2
                       GROUP BY location_id, product_id) a""",
                first,
                LAST_DAY,
            )
            return time.perf_counter() - start, int(groups)
    finally:
        await conn.close()


async def bench(opts: argparse.Namespace, gateway_url: str, pids: dict[str, int]) -> None:
    dsn = url(opts.pg_url, f"{PREFIX}_dealers", "postgresql")
    async with httpx.AsyncClient(base_url=gateway_url, timeout=300) as client:
        net = await network(client, opts.pairs)
        pairs = len(net["outlets"]) * len(net["products"])
        await stock(client, net)
        await policies(client, net)
        lines = sell_out_lines(net, opts.lines)
        bodies = [
            orjson.dumps({"items": lines[i : i + opts.batch]})
            for i in range(0, len(lines), opts.batch)
        ]
        before = {k: cpu_seconds(v) for k, v in pids.items()}
        seconds, totals = await ingest(client, bodies, opts.concurrency)
        used = {k: cpu_seconds(v) - before[k] for k, v in pids.items()}
        copy_seconds = await raw_copy(dsn, lines, net["dealer_of"])
        rate, copy_rate = len(lines) / seconds, len(lines) / copy_seconds
        print(f"(a) sell-out ingest, {len(lines):,} lines in requests of {opts.batch:,}, ", end="")
        print(f"{opts.concurrency} in flight, through the gateway on PostgreSQL")
        print(f"    {seconds:6.2f} s  {rate:9,.0f} lines/s  ratio to COPY {rate / copy_rate:5.3f}")
        print(f"    {totals}")
        per = ", ".join(f"{k} {v / len(lines) * 1e6:.0f} µs" for k, v in used.items())
        print(f"    CPU per line: {per}")
        print(f"    raw COPY {copy_seconds:5.2f} s  {copy_rate:9,.0f} lines/s")
        first_ingested = date.fromisoformat(lines[0]["day"])
        filled = await fill_history(dsn, net, first_ingested)
        first = LAST_DAY - timedelta(days=HISTORY - 1)
        body = {"region_id": REGION, "as_of": LAST_DAY.isoformat(), "window_days": HISTORY}
        computes: list[float] = []
        aggregates: list[float] = []
        answer: dict[str, Any] = {}
        for _ in range(opts.rounds):
            spent, groups = await plain_aggregate(dsn, first)
            aggregates.append(spent)
            start = time.perf_counter()
            answer = await post(client, "/v1/replenishment-proposals/compute", body)
            computes.append(time.perf_counter() - start)
        rows = len(lines) + filled
        compute_s, aggregate_s = statistics.median(computes), statistics.median(aggregates)
        print(f"(b) replenishment compute, {pairs:,} pairs, window {HISTORY} days, ", end="")
        print(f"{rows:,} sell-out rows, through the gateway on PostgreSQL")
        print(
            f"    compute {compute_s:6.2f} s (median of {opts.rounds}: "
            + ", ".join(f"{c:.2f}" for c in computes)
            + f")  ratio to the plain aggregate {compute_s / aggregate_s:5.2f}"
        )
        print(
            f"    plain aggregate {aggregate_s:6.2f} s ({groups:,} groups; "
            + ", ".join(f"{a:.2f}" for a in aggregates)
            + ")"
        )
        counts = {k: answer[k] for k in ("pairs", "reorder", "stock_out")}
        print(f"    answer: {counts}, first page {len(answer['items'])} items")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pairs", type=int, default=100_000, help="location × product pairs")
    parser.add_argument("--lines", type=int, default=1_000_000, help="sell-out lines to ingest")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="computes (median reported)")
    opts = parser.parse_args()
    run_on_fresh_stack(
        opts.pg_url,
        PREFIX,
        lambda gw, pids: bench(opts, gw, pids),
        extra_env={"GATEWAY_UPSTREAM_TIMEOUT": "300"},
    )


if __name__ == "__main__":
    main()
