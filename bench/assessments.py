"""Assessing the whole field force for a month on PostgreSQL, against one plain SQL count.

Seeds 500 advisors with a month (March 2026) of work: about 50,000 visits, 100,000 work-log
entries, 20,000 assignments, sales figures and trainings. Then, in each round, it times
`POST /v1/assessments/run` (every advisor, all eight KPIs, through the app in-process) and a
plain `SELECT count(*)` over the same month's visits, and prints both and their ratio.

    .venv/bin/python -m bench.assessments [--pg-url URL] [--rounds 5]

Needs PostgreSQL at --pg-url (trust auth); it drops and creates the database ars_bench_advisors.
Target: the assessment of all 500 advisors in at most 2 s.
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
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from chassis.db import new_id
from chassis.migrations import upgrade
from chassis.testing import auth_headers
from services.advisors.app import create_app
from services.advisors.settings import MIGRATIONS, AdvisorsSettings

DATABASE = "ars_bench_advisors"
ADVISORS = 500
ACCOUNTS_PER_ADVISOR = 40
VISITS_PER_ADVISOR = 100
LOGS_PER_DAY = 8
WORK_DAYS = 25
MONTH = "2026-03"
FIRST = date(2026, 3, 2)
KINDS = ("visit", "travel", "visit", "promotion", "admin", "visit", "meeting", "training")
COUNT_SQL = (
    "SELECT count(*) FROM visits WHERE planned_date >= '2026-03-01' AND planned_date < '2026-04-01'"
)
SCHEME = {
    "code": "BENCH",
    "name": "bench scheme",
    "base_amount": "3000.00",
    "kpis": [
        {"kpi": "visit_plan_adherence", "weight": 20, "rule": "linear", "target": 90},
        {"kpi": "report_completion", "weight": 10, "rule": "linear", "target": 100},
        {
            "kpi": "account_coverage",
            "weight": 10,
            "rule": "bands",
            "bands": [{"min": 50, "score": 60}, {"min": 80, "score": 100}],
        },
        {"kpi": "customer_facing_share", "weight": 10, "rule": "linear", "target": 50},
        {"kpi": "sales_achievement", "weight": 30, "rule": "linear", "target": 100},
        {"kpi": "new_outlets", "weight": 5, "rule": "bands", "bands": [{"min": 2, "score": 100}]},
        {"kpi": "receivables_collected", "weight": 10, "rule": "linear", "target": 95},
        {"kpi": "training_completion", "weight": 5, "rule": "linear", "target": 100},
    ],
}


def dsn(url: str, database: str) -> str:
    return make_url(url).set(drivername="postgresql", database=database).render_as_string(False)


async def recreate(url: str) -> str:
    admin = await asyncpg.connect(dsn(url, "postgres"))
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await admin.close()
    target = make_url(url).set(database=DATABASE).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, MIGRATIONS, target)
    return target


def stamp() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"id": new_id(), "version": 1, "created_at": now, "updated_at": now}


async def copy(conn: asyncpg.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    records = [tuple(row[c] for c in columns) for row in rows]
    await conn.copy_records_to_table(table, records=records, columns=columns)


def advisor_rows() -> list[dict[str, Any]]:
    region = uuid.UUID("01a221de-6ceb-7108-8dab-d0c4dfae1f7d")
    return [
        stamp()
        | {
            "employee_code": f"B{n:05d}",
            "name": f"顾问{n}",
            "role": "customer_advisor",
            "region_id": region,
            "manager_id": None,
            "level": "advisor",
            "status": "active",
            "hire_date": None,
            "mobile": None,
        }
        for n in range(ADVISORS)
    ]


def work_of(advisor: uuid.UUID, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    accounts = [uuid.uuid4() for _ in range(ACCOUNTS_PER_ADVISOR)]
    assignments = [
        stamp()
        | {
            "advisor_id": advisor,
            "account_kind": "outlet",
            "account_id": account,
            "is_main": True,
            "from_date": date(2026, 1, 1),
            "to_date": None,
        }
        for account in accounts
    ]
    visits = []
    for i in range(VISITS_PER_ADVISOR):
        status = rng.choices(["reported", "checked_in", "missed", "planned"], [70, 10, 10, 10])[0]
        day = FIRST + timedelta(days=i % WORK_DAYS)
        visits.append(
            stamp()
            | {
                "advisor_id": advisor,
                "account_kind": "outlet",
                "account_id": rng.choice(accounts),
                "planned_date": day,
                "purpose": "拜访",
                "unplanned": i % 20 == 0,
                "status": status,
                "far_from_account": False,
            }
        )
    logs = []
    for d in range(WORK_DAYS):
        start = datetime(2026, 3, 2, 1, tzinfo=UTC) + timedelta(days=d)
        for k in range(LOGS_PER_DAY):
            logs.append(
                stamp()
                | {
                    "advisor_id": advisor,
                    "activity_type": KINDS[k],
                    "started_at": start + timedelta(hours=k),
                    "ended_at": start + timedelta(hours=k, minutes=50),
                }
            )
    target = Decimal(rng.randrange(50_000, 150_000))
    sales = stamp() | {
        "advisor_id": advisor,
        "period": MONTH,
        "sales_target": target,
        "sales_actual": target * Decimal(rng.randrange(60, 120)) / 100,
        "new_outlets": rng.randrange(0, 5),
        "receivables_due": Decimal(50_000),
        "receivables_collected": Decimal(rng.randrange(30_000, 50_000)),
    }
    return {"assignments": assignments, "visits": visits, "work_logs": logs, "sales": [sales]}


async def seed(url: str) -> None:
    conn = await asyncpg.connect(dsn(url, DATABASE))
    rng = random.Random(7)
    try:
        advisors = advisor_rows()
        await copy(conn, "advisors", advisors)
        tables: dict[str, list[dict[str, Any]]] = {
            "assignments": [],
            "visits": [],
            "work_logs": [],
            "sales": [],
        }
        for advisor in advisors:
            for name, rows in work_of(advisor["id"], rng).items():
                tables[name].extend(rows)
        await copy(conn, "assignments", tables["assignments"])
        await copy(conn, "visits", tables["visits"])
        await copy(conn, "work_logs", tables["work_logs"])
        await copy(conn, "advisor_sales", tables["sales"])
        course = stamp() | {
            "code": "C1",
            "title": "产品知识",
            "required": True,
            "validity_months": 12,
            "pass_score": Decimal(60),
        }
        await copy(conn, "training_courses", [course])
        held = stamp() | {"course_id": course["id"], "held_on": date(2026, 3, 10)}
        await copy(conn, "training_sessions", [held])
        enrolments = [
            stamp()
            | {
                "session_id": held["id"],
                "advisor_id": a["id"],
                "status": "completed",
                "score": Decimal(s),
                "passed": s >= 60,
            }
            for a, s in ((a, rng.randrange(40, 100)) for a in advisors)
        ]
        await copy(conn, "training_enrolments", enrolments)
        await conn.execute("ANALYZE")
        print(
            f"seeded {len(advisors)} advisors, {len(tables['visits'])} visits, "
            f"{len(tables['work_logs'])} work-log entries, {len(tables['assignments'])} assignments"
        )
    finally:
        await conn.close()


async def timed(action: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await action()
    return time.perf_counter() - started, result


async def measure(url: str, rounds: int) -> None:
    settings = AdvisorsSettings(database_url=url, environment="test", log_level="WARNING")
    app = create_app(settings)
    headers = auth_headers("advisors", ("advisors:read", "advisors:write"))
    transport = httpx.ASGITransport(app=app)
    conn = await asyncpg.connect(dsn(url, DATABASE))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://advisors", headers=headers, timeout=120
    ) as client:
        r = await client.post("/v1/kpi-schemes", json=SCHEME)
        r.raise_for_status()
        body = {"scheme_id": r.json()["id"], "period": MONTH}

        async def assess() -> Any:
            reply = await client.post("/v1/assessments/run", json=body)
            reply.raise_for_status()
            return reply.json()

        async def count() -> Any:
            return await conn.fetchval(COUNT_SQL)

        runs, counts = [], []
        for n in range(rounds):
            seconds, result = await timed(assess)
            runs.append(seconds)
            count_seconds, visits = await timed(count)
            counts.append(count_seconds)
            print(
                f"round {n + 1}: assess all {seconds:.3f} s {result}; "
                f"count {count_seconds * 1000:.1f} ms ({visits} visits); "
                f"ratio {seconds / count_seconds:.0f}×"
            )
        board = await client.get(
            "/v1/assessments/leaderboard", params={"period": MONTH, "limit": 3}
        )
        print(
            "top three:",
            [(e["employee_code"], e["score"], e["grade"]) for e in board.json()["items"]],
        )
    await conn.close()
    await app.state.db.dispose()
    best, median = min(runs), statistics.median(runs)
    count_median = statistics.median(counts)
    print(
        f"\nassess {ADVISORS} advisors: best {best:.3f} s, median {median:.3f} s "
        f"(target ≤ 2 s: {'met' if median <= 2 else 'MISSED'}); plain count median "
        f"{count_median * 1000:.1f} ms; ratio of medians {median / count_median:.0f}×"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    url = await recreate(args.pg_url)
    await seed(args.pg_url)
    await measure(url, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
