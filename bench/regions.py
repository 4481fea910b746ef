"""Regions rollups at national scale on PostgreSQL: 3,131 regions (31 provinces, 310 prefectures,
2,790 counties) with two years of monthly sales targets (every region) and actuals (counties).

Measured one after the other against the regions service under uvicorn, sequential requests:
  get        GET /v1/regions/{id} of a county: the unit
  subtree    GET /v1/regions?ancestor=<province>&limit=500: a province's 100 regions
  rollup     GET /v1/targets/achievement for a province and a year: the root and its 10
             prefectures, each summing its subtree's 216 actuals
  quarters   the same with `by=quarter`: also the province's four quarters
Prints the medians and the ratios to `get`. Target: rollup ≤ 10× get.

    .venv/bin/python -m bench.regions [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                      [--requests 300]

Drops and creates the database ars_bench_regions.
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
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench.processes import Processes, exit_on_signals, free_port, uvicorn_argv
from chassis.db import new_id
from chassis.devkeys import DEV_PRIVATE_KEY
from chassis.identity import Principal, TokenSigner
from chassis.migrations import upgrade
from services.regions.settings import MIGRATIONS

DATABASE = "ars_bench_regions"
PROVINCES = [
    *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"),
    *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"),
    "65",
]
MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]


def region_items() -> list[dict[str, str]]:
    items = []
    for p in PROVINCES:
        items.append({"code": f"{p}0000", "name": f"省{p}"})
        for c in range(1, 11):
            items.append({"code": f"{p}{c:02d}00", "name": f"市{p}{c:02d}"})
            items += [
                {"code": f"{p}{c:02d}{k:02d}", "name": f"县{p}{c:02d}{k:02d}"} for k in range(1, 10)
            ]
    return items


async def recreate(admin_dsn: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()


async def seed_figures(dsn: str) -> None:
    """Targets and actuals straight into the tables (COPY): the API path is not what we measure."""
    conn = await asyncpg.connect(dsn)
    try:
        regions = await conn.fetch("SELECT id, code, level FROM regions")
        now = datetime.now(UTC)
        rnd = random.Random(7)
        targets, actuals = [], []
        for r in regions:
            for month in MONTHS:
                value = Decimal(rnd.randint(50_000, 150_000))
                targets.append((new_id(), 1, now, now, r["id"], month, "sales_amount", value, None))
                if r["level"] == "county":
                    actual = value * rnd.randint(80, 120) / 100
                    actuals.append((new_id(), r["id"], month, "sales_amount", actual, "bench", now))
        await conn.copy_records_to_table(
            "targets",
            records=targets,
            columns=[
                "id",
                "version",
                "created_at",
                "updated_at",
                "region_id",
                "period",
                "metric",
                "value",
                "owner_id",
            ],
        )
        await conn.copy_records_to_table(
            "target_actuals",
            records=actuals,
            columns=["id", "region_id", "period", "metric", "value", "source", "updated_at"],
        )
        await conn.execute("ANALYZE")
        print(f"seeded {len(regions)} regions, {len(targets)} targets, {len(actuals)} actuals")
    finally:
        await conn.close()


async def median_ms(client: httpx.AsyncClient, paths: list[str]) -> float:
    times = []
    for path in paths:
        start = time.perf_counter()
        r = await client.get(path)
        times.append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
    return statistics.median(times) * 1000


async def measure(base_url: str, dsn: str, requests: int) -> dict[str, float]:
    signer = TokenSigner(DEV_PRIVATE_KEY, ttl=3600)
    token = signer.sign(
        Principal("bench", "service", frozenset({"regions:read", "regions:write"})), "regions"
    )
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
        items = region_items()
        for start in range(0, len(items), 1000):
            r = await client.post("/v1/regions/bulk", json={"items": items[start : start + 1000]})
            assert r.status_code == 200 and r.json()["invalid"] == 0, r.text[:500]
        await seed_figures(dsn)
        provinces = await ids_of(client, "province")
        counties = await ids_of(client, "county")
        rnd = random.Random(11)
        gets = [f"/v1/regions/{rnd.choice(counties)}" for _ in range(requests)]
        subtrees = [
            f"/v1/regions?ancestor={rnd.choice(provinces)}&limit=500" for _ in range(requests)
        ]
        rollup = "/v1/targets/achievement?metric=sales_amount&period=2026&region_id="
        rollups = [rollup + str(rnd.choice(provinces)) for _ in range(requests)]
        quarters = [r + "&by=quarter" for r in rollups]
        await median_ms(client, gets[:50] + subtrees[:20] + rollups[:20])  # warm up
        return {
            "get": await median_ms(client, gets),
            "subtree": await median_ms(client, subtrees),
            "rollup": await median_ms(client, rollups),
            "quarters": await median_ms(client, quarters),
        }


async def ids_of(client: httpx.AsyncClient, level: str) -> list[UUID]:
    out: list[UUID] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"level": level, "limit": 500}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/regions", params=params)).json()
        out += [UUID(r["id"]) for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--requests", type=int, default=300)
    opts = parser.parse_args(argv)
    base_dsn = (
        make_url(opts.pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    asyncio.run(recreate(base_dsn))
    url = make_url(opts.pg_url).set(drivername="postgresql+asyncpg", database=DATABASE)
    db_url = url.render_as_string(hide_password=False)
    upgrade(MIGRATIONS, db_url)
    exit_on_signals()
    procs = Processes(Path(tempfile.mkdtemp(prefix="bench-regions-")))
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "REGIONS_DATABASE_URL": db_url,
        "REGIONS_ACCESS_LOG": "false",
        "REGIONS_LOG_LEVEL": "WARNING",
    }
    try:
        procs.start("regions", uvicorn_argv("services.regions.app:create_app", port), env)
        procs.wait_ready("regions", f"http://127.0.0.1:{port}/health", any_status=True)
        dsn = make_url(base_dsn).set(database=DATABASE).render_as_string(hide_password=False)
        figures = asyncio.run(measure(f"http://127.0.0.1:{port}", dsn, opts.requests))
    finally:
        procs.stop()
    get = figures["get"]
    print(f"{'query':<10}{'median ms':>10}{'× get':>8}")
    for name, ms in figures.items():
        print(f"{name:<10}{ms:>10.2f}{ms / get:>8.2f}")
    verdict = "met" if figures["rollup"] <= 10 * get else "MISSED"
    print(f"target: province year rollup ≤ 10× a single GET: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
