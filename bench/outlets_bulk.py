"""Outlet bulk upsert on PostgreSQL through the gateway: 50,000 outlets in requests of 1,000,
created, then the same again (all updates); items/s for both, and the ratio to a raw COPY of the
same rows into a copy of the outlets table, measured in the same run.

    .venv/bin/python -m bench.outlets_bulk [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--outlets 50000] [--batch 1000] [--concurrency 4]

It drops and creates the databases ars_bench_outlets_*; the gateway runs in dev-auth mode (a
staff principal with every scope) with rate limits lifted. Target: ≥ 20,000 items/s.
"""

import sys
from pathlib import Path

# `python bench/<name>.py` puts bench/ first on the path, where `gateway` would be this script:
# import from the repository root instead.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import time
import uuid
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench.processes import cpu_seconds
from scripts.demo_support import demo_uscc
from scripts.stack import SERVICES, Stack, free_port

REGION = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"
LIMITS = '{"user": {"rate": 1000000, "burst": 1000000}}'
TYPES = ("supermarket", "convenience", "specialty", "wholesale", "other")
DEALERS = 50


def url(pg_url: str, database: str, driver: str = "postgresql+asyncpg") -> str:
    return make_url(pg_url).set(drivername=driver, database=database).render_as_string(False)


async def recreate(pg_url: str, names: Sequence[str]) -> None:
    conn = await asyncpg.connect(url(pg_url, "postgres", "postgresql"))
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def outlet(n: int, dealer_id: str, round_: int) -> dict[str, Any]:
    return {
        "code": f"T{n:07d}",
        "name": f"终端{n}号店" + ("" if round_ == 0 else "（更新）"),
        "type": TYPES[n % 5],
        "grade": "ABC"[n % 3],
        "region_id": REGION,
        "address": f"成都市锦江区春熙路{n}号",
        "latitude": 30.5 + (n % 1000) / 10000,
        "longitude": 104.0 + (n % 997) / 10000,
        "dealer_id": dealer_id,
        "status": "active",
        "joined_on": "2025-06-01",
    }


async def upsert_all(
    client: httpx.AsyncClient, items: list[dict[str, Any]], batch: int, concurrency: int
) -> tuple[float, dict[str, int]]:
    gate = asyncio.Semaphore(concurrency)
    totals = {"created": 0, "updated": 0, "invalid": 0}

    async def send(chunk: list[dict[str, Any]]) -> None:
        async with gate:
            r = await client.post("/v1/outlets/bulk", json={"items": chunk})
            r.raise_for_status()
            for k in totals:
                totals[k] += r.json()[k]

    chunks = [items[i : i + batch] for i in range(0, len(items), batch)]
    start = time.perf_counter()
    await asyncio.gather(*(send(c) for c in chunks))
    return time.perf_counter() - start, totals


async def raw_copy(pg_url: str, items: list[dict[str, Any]]) -> float:
    """COPY the same rows into a fresh table shaped like outlets (its indexes included)."""
    conn = await asyncpg.connect(url(pg_url, "ars_bench_outlets_dealers", "postgresql"))
    try:
        await conn.execute("DROP TABLE IF EXISTS outlets_copy")
        await conn.execute("CREATE TABLE outlets_copy (LIKE outlets INCLUDING ALL)")
        now = datetime.now(UTC)
        columns = [
            "id", "version", "created_at", "updated_at", "code", "name", "type", "grade",
            "region_id", "address", "latitude", "longitude", "dealer_id", "status", "joined_on",
        ]  # fmt: skip
        records = [
            (
                uuid.uuid4(),
                1,
                now,
                now,
                i["code"],
                i["name"],
                i["type"],
                i["grade"],
                uuid.UUID(i["region_id"]),
                i["address"],
                Decimal(str(i["latitude"])),
                Decimal(str(i["longitude"])),
                uuid.UUID(i["dealer_id"]),
                i["status"],
                date.fromisoformat(i["joined_on"]),
            )
            for i in items
        ]
        start = time.perf_counter()
        await conn.copy_records_to_table("outlets_copy", records=records, columns=columns)
        return time.perf_counter() - start
    finally:
        await conn.execute("DROP TABLE IF EXISTS outlets_copy")
        await conn.close()


def cpu(pids: dict[str, int]) -> dict[str, float]:
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


async def bench(opts: argparse.Namespace, gateway_url: str, pids: dict[str, int]) -> None:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=120) as client:
        dealers = [
            {"code": f"BD{n:03d}", "name": f"经销商{n}", "uscc": demo_uscc(n), "region_id": REGION}
            for n in range(DEALERS)
        ]
        r = await client.post("/v1/dealers/bulk", json={"items": dealers})
        r.raise_for_status()
        ids = [str(item["id"]) for item in r.json()["items"]]
        rounds, spent = [], []
        for round_ in (0, 1):
            items = [outlet(n, ids[n % DEALERS], round_) for n in range(opts.outlets)]
            before = cpu(pids)
            rounds.append(await upsert_all(client, items, opts.batch, opts.concurrency))
            spent.append({k: v - before[k] for k, v in cpu(pids).items()})
    copy_seconds = await raw_copy(opts.pg_url, items)
    copy_rate = opts.outlets / copy_seconds
    print(f"outlets bulk upsert, {opts.outlets} items in requests of {opts.batch}, ", end="")
    print(f"{opts.concurrency} in flight, through the gateway on PostgreSQL")
    for name, (seconds, totals), used in zip(("create", "update"), rounds, spent, strict=True):
        rate = opts.outlets / seconds
        print(
            f"  {name:7} {seconds:6.2f} s  {rate:9,.0f} items/s  "
            f"ratio to COPY {rate / copy_rate:5.3f}  {totals}"
        )
        per_1000 = ", ".join(
            f"{k} {v * 1000 / opts.outlets * 1000:.0f} ms" for k, v in used.items()
        )
        print(f"          CPU per 1,000 items: {per_1000}")
    print(f"  raw COPY {copy_seconds:5.2f} s  {copy_rate:9,.0f} items/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--outlets", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    opts = parser.parse_args()
    run_on_fresh_stack(opts.pg_url, "ars_bench_outlets", lambda gw, pids: bench(opts, gw, pids))


def run_on_fresh_stack(
    pg_url: str,
    prefix: str,
    run: Callable[[str, dict[str, int]], Coroutine[Any, Any, None]],
    extra_env: dict[str, str] | None = None,
) -> None:
    """Recreate the databases `<prefix>_<service>`, migrate them, start the services and the
    gateway (development principal, rate limits lifted, quiet logs) and run `run(gateway URL,
    pids of the gateway and dealers processes)`; stop everything after."""
    names = {name: f"{prefix}_{name}" for name in (*SERVICES, "gateway")}
    asyncio.run(recreate(pg_url, list(names.values())))
    ports = {name: free_port() for name in names}
    env = {
        "GATEWAY_DEV_AUTH": "true",
        "GATEWAY_WEBHOOKS_ENABLED": "false",  # no feed polling in the measured processes
        "GATEWAY_RATE_LIMITS": LIMITS,
        **{f"{n.upper()}_ACCESS_LOG": "false" for n in names},
        **{f"{n.upper()}_LOG_LEVEL": "WARNING" for n in names},
        **(extra_env or {}),
    }
    stack = Stack(
        {name: url(pg_url, db) for name, db in names.items()},
        ports=ports,
        extra_env=env,
        quiet=True,
    )
    stack.migrate()
    stack.start_all()
    try:
        stack.wait_ready()
        pids = {name: stack.processes[name].pid for name in ("gateway", "dealers")}
        asyncio.run(run(stack.gateway_url, pids))
    finally:
        stack.stop_all()


if __name__ == "__main__":
    main()
