"""Soak: a mixed workload through the gateway on PostgreSQL for N minutes, as production runs it.

Real processes (three services and the gateway, environment `production`, one uvicorn process
each), real credentials: an admin key from `python -m gateway create-admin-key`, API clients of
kind `erp` and `partner` made with it, and people's JWTs signed by an identity provider key made
for the run. Bounded asyncio workers send, until the time is up:
  frontend   lists, and GET then PATCH with If-Match (dealers, outlets, regions)
  ERP        bulk syncs of regions, dealers, products, outlets, advisors; dealers' orders with
             the manufacturer along every transition, and their payments
  partners   stock and sell-out bulk, proposals compute, outlets' orders (Idempotency-Key, sent
             twice: the second must replay), their transitions and payments
  advisors   visits: planned, checked in, reported
It prints per operation: count, throughput, p50/p99 and the 5xx (must be none), then the resident
memory of each process after warm-up and at the end, sampled from /proc every few seconds.
It exits 1 on any 5xx or unexpected answer.

    .venv/bin/python -m bench.soak [--minutes 10] [--concurrency 8]

Needs PostgreSQL at --pg-url (trust auth, may CREATE DATABASE; it drops and recreates
ars_bench_soak_*) and Redis at --redis-url (the gateway's rate limits, lifted so that they never
refuse). Everything goes to 127.0.0.1.
"""

import sys
from pathlib import Path

# `python bench/<name>.py` puts bench/ first on the path, where `gateway` would be this script:
# import from the repository root instead.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import json
import os
import random
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.gateway import BenchError
from bench.processes import REPO, ProcessError, Processes, cpu_seconds, exit_on_signals
from bench.soak_figures import Figures, Memory, failed, report
from bench.soak_stack import Running, World, callers, seed, start_stack

# --- the state changes the workload makes, in one place --------------------------------------
# name: (path template, body from the arguments). Edit here when a transition's path or body
# changes.
Body = Callable[[Mapping[str, Any]], dict[str, Any]]
STATE_CHANGES: dict[str, tuple[str, Body]] = {
    "order": ("/v1/orders/{id}/transitions", lambda a: {"to": a["to"]} | a["extra"]),
    "visit_check_in": (
        "/v1/visits/{id}/transitions",
        lambda a: {"to": "checked_in", "at": a["at"], "latitude": a["lat"], "longitude": a["lon"]},
    ),
    "visit_report": (
        "/v1/visits/{id}/transitions",
        lambda a: {"to": "reported", "findings": a["findings"]},
    ),
}

# How often each operation is picked; each is a short sequence of calls (see Workload).
WEIGHTS = {
    "read": 40,
    "edit": 12,
    "erp_sync": 3,
    "stock": 5,
    "sell_out": 5,
    "compute": 2,
    "outlet_order": 8,
    "dealer_order": 2,
    "visit": 6,
}
BULK_LINES = 500  # stock and sell-out lines a partner sends at once
DELIVERED = ("submitted", "confirmed", "shipped", "delivered")
CANCELLED = ("submitted", "cancelled")  # one order in ten


def change(name: str, record_id: str, **args: Any) -> tuple[str, dict[str, Any]]:
    path, body = STATE_CHANGES[name]
    return path.format(id=record_id), body(args)


def today() -> str:
    return datetime.now(UTC).date().isoformat()


@dataclass(frozen=True)
class Options:
    minutes: float
    concurrency: int
    sample_seconds: float
    pg_url: str
    redis_url: str
    seed: int

    @property
    def warmup(self) -> float:
        """Seconds after which memory should stay flat: a quarter of the run, at most 60."""
        return min(60.0, self.minutes * 15)


class Workload:
    """The operations, each a short sequence of calls as one kind of user makes them."""

    def __init__(self, client: httpx.AsyncClient, world: World, figures: Figures) -> None:
        self.client, self.world, self.figures = client, world, figures

    async def call(
        self, op: str, method: str, path: str, who: Mapping[str, str], *,
        ok: Sequence[int] = (200,), **kw: Any,
    ) -> httpx.Response | None:  # fmt: skip
        """One call, timed; a 429 or a lost connection is sent again (every write here is an
        upsert or carries an Idempotency-Key or an If-Match). None when the answer is not `ok`."""
        headers = {**who, **kw.pop("headers", {})}
        for _attempt in range(5):
            start = time.perf_counter()
            try:
                r = await self.client.request(method, path, headers=headers, **kw)
            except httpx.TransportError as exc:
                self.figures.record(op, time.perf_counter() - start, 0)
                self.figures.wrong(op, f"{method} {path}: {type(exc).__name__} {exc}")
                continue
            expected = r.status_code in ok or r.status_code == 429
            self.figures.record(op, time.perf_counter() - start, r.status_code, expected=expected)
            if r.status_code == 429:
                await asyncio.sleep(float(r.headers.get("retry-after", "1")))
                continue
            if r.status_code in ok:
                return r
            self.figures.wrong(op, f"{method} {path} -> {r.status_code} {r.text[:300]}")
            return None
        return None

    # --- frontend: a person's token ----------------------------------------------------------

    async def read(self, rng: random.Random) -> None:
        dealer = self.world.id(rng.choice(self.world.dealers))
        path, params = rng.choice(
            [("/v1/dealers", {}), ("/v1/regions", {}), ("/v1/outlets", {"dealer_id": dealer}),
             ("/v1/orders", {"dealer_id": dealer}), ("/v1/receivables", {"dealer_id": dealer}),
             ("/v1/stock-positions", {"dealer_id": dealer}), ("/v1/visits", {})]
        )  # fmt: skip
        await self.call(f"GET {path}", "GET", path, self.world.manager, params=params)

    async def edit(self, rng: random.Random) -> None:
        """Open a record, save a change with the ETag read (412 when it moved meanwhile)."""
        w = self.world
        kind, records, changes = rng.choice(
            [("dealers", w.dealers, {"contact_name": f"联系人{rng.randrange(100)}"}),
             ("outlets", w.outlets, {"address": f"人民路{rng.randrange(1000)}号"}),
             ("regions", w.regions, {"key_market": rng.random() < 0.5})]
        )  # fmt: skip
        path = f"/v1/{kind}/{w.id(rng.choice(records))}"
        got = await self.call(f"GET /v1/{kind}/{{id}}", "GET", path, w.manager)
        if got is not None:
            await self.call(
                f"PATCH /v1/{kind}/{{id}}", "PATCH", path, w.manager, ok=(200, 412),
                json=changes, headers={"If-Match": got.headers["etag"]},
            )  # fmt: skip

    # --- the ERP -------------------------------------------------------------------------------

    async def erp_sync(self, rng: random.Random) -> None:
        """The master data sent again, names changed; what the ERP leaves out stays as it was."""
        w, tag = self.world, f"（{rng.randrange(3)}）"
        path, records = rng.choice(
            [("/v1/regions/bulk", w.regions), ("/v1/dealers/bulk", w.dealers),
             ("/v1/products/bulk", w.products), ("/v1/outlets/bulk", w.outlets),
             ("/v1/advisors/bulk", w.advisors)]
        )  # fmt: skip
        items = [r | {"name": r["name"] + tag} for r in records]
        await self.call(f"POST {path}", "POST", path, w.erp, json={"items": items})

    async def dealer_order(self, rng: random.Random) -> None:
        dealer = self.world.id(rng.choice(self.world.dealers))
        await self.order(rng, self.world.erp, dealer, "bank_transfer")

    # --- partners: an API key acting for some dealers -----------------------------------------

    def partner(self, rng: random.Random) -> tuple[dict[str, str], list[str], list[str]]:
        """A partner's key, its dealers and their outlets."""
        who, dealers = rng.choice(self.world.partners)
        outlets = [self.world.id(o) for o in self.world.outlets if o["dealer_id"] in dealers]
        return who, dealers, outlets

    def pairs(self, rng: random.Random, outlets: list[str]) -> list[tuple[str, str]]:
        products = [self.world.id(p) for p in self.world.products]
        return sorted({(rng.choice(outlets), rng.choice(products)) for _ in range(BULK_LINES)})

    async def stock(self, rng: random.Random) -> None:
        who, _, outlets = self.partner(rng)
        now = datetime.now(UTC).isoformat()
        items = [
            {"location_id": o, "product_id": p, "as_of": now, "on_hand": rng.randrange(200)}
            for o, p in self.pairs(rng, outlets)
        ]
        path = "/v1/stock-reports/bulk"
        await self.call(f"POST {path}", "POST", path, who, json={"items": items})

    async def sell_out(self, rng: random.Random) -> None:
        who, _, outlets = self.partner(rng)
        items = []
        for o, p in self.pairs(rng, outlets):
            quantity = rng.randrange(20)
            items.append(
                {"location_id": o, "product_id": p, "day": today(), "quantity": quantity,
                 "amount": f"{quantity * 25}.00"}
            )  # fmt: skip
        path = "/v1/sell-out-reports/bulk"
        await self.call(f"POST {path}", "POST", path, who, json={"items": items})

    async def compute(self, rng: random.Random) -> None:
        who, dealers, _ = self.partner(rng)
        path = "/v1/replenishment-proposals/compute"
        await self.call(f"POST {path}", "POST", path, who, json={"dealer_id": rng.choice(dealers)})

    async def outlet_order(self, rng: random.Random) -> None:
        who, _, outlets = self.partner(rng)
        await self.order(rng, who, rng.choice(outlets), "cash")

    # --- orders and payments, by the ERP or a partner -----------------------------------------

    async def order(self, rng: random.Random, who: dict[str, str], buyer: str, method: str) -> None:
        """Placed (and sent again: a replay), moved along, paid (and the payment sent again)."""
        products = rng.sample([self.world.id(p) for p in self.world.products], 3)
        lines = [{"product_id": p, "quantity": rng.randrange(1, 10)} for p in products]
        body = {"buyer_id": buyer, "lines": lines}
        order = await self.once("POST /v1/orders", "/v1/orders", who, body)
        if order is None:
            return
        cancel = rng.random() < 0.1
        for to in CANCELLED if cancel else DELIVERED:
            extra = {"reason": "客户取消"} if to == "cancelled" else {}
            path, body = change("order", order["id"], to=to, extra=extra)
            if await self.call(f"order → {to}", "POST", path, who, json=body) is None:
                return
        if not cancel:
            total = order["total_amount"]
            body = {"payer_id": buyer, "amount": total, "method": method, "paid_on": today(),
                    "allocations": [{"order_id": order["id"], "amount": total}]}  # fmt: skip
            await self.once("POST /v1/payments", "/v1/payments", who, body)

    async def once(self, op: str, path: str, who: dict[str, str], body: Any) -> Any:
        """POST under an Idempotency-Key, then the same again as a client retrying would: the
        second answer must be the first one replayed."""
        headers = {"Idempotency-Key": f"soak-{uuid.uuid4()}"}
        first = await self.call(op, "POST", path, who, ok=(201,), json=body, headers=headers)
        if first is None:
            return None
        again = await self.call(
            f"{op} (replay)", "POST", path, who, ok=(201,), json=body, headers=headers
        )
        replayed = again is not None and again.headers.get("idempotent-replayed") == "true"
        if again is not None and not (replayed and again.json()["id"] == first.json()["id"]):
            self.figures.wrong(f"{op} (replay)", f"not a replay: {dict(again.headers)}")
        return first.json()

    # --- advisors: a person's token with the advisor role -------------------------------------

    async def visit(self, rng: random.Random) -> None:
        w = self.world
        outlet = rng.choice(w.outlets)
        body = {"advisor_id": w.id(rng.choice(w.advisors)), "account_kind": "outlet",
                "account_id": w.id(outlet), "planned_date": today(),
                "purpose": "新品铺货"}  # fmt: skip
        made = await self.call(
            "POST /v1/visits", "POST", "/v1/visits", w.advisor, ok=(201,), json=body
        )
        if made is None:
            return
        visit_id, at = made.json()["id"], datetime.now(UTC).isoformat()
        path, body = change("visit_check_in", visit_id, at=at, lat=outlet["latitude"], lon=104.061)
        if await self.call("visit check-in", "POST", path, w.advisor, json=body) is not None:
            path, body = change("visit_report", visit_id, findings="库存充足，陈列需调整")
            await self.call("visit report", "POST", path, w.advisor, json=body)


async def drive(workload: Workload, opts: Options, memory: Memory) -> float:
    """Run the workers until the time is up, sampling memory meanwhile; the seconds it ran."""
    started = time.monotonic()
    deadline = started + opts.minutes * 60
    names, weights = list(WEIGHTS), list(WEIGHTS.values())

    async def worker(n: int) -> None:
        rng = random.Random(opts.seed * 1000 + n)
        while time.monotonic() < deadline:
            await getattr(workload, rng.choices(names, weights)[0])(rng)

    async def sampler() -> None:
        while time.monotonic() < deadline:
            memory.sample(time.monotonic() - started)
            await asyncio.sleep(opts.sample_seconds)

    await asyncio.gather(sampler(), *(worker(n) for n in range(opts.concurrency)))
    memory.sample(time.monotonic() - started)
    return time.monotonic() - started


async def soak(running: Running, opts: Options, memory: Memory) -> tuple[Figures, float]:
    ttl = int(opts.minutes * 60) + 3600
    limits = httpx.Limits(max_connections=opts.concurrency + 2)
    async with httpx.AsyncClient(base_url=running.url, timeout=120, limits=limits) as client:
        world, admin = await callers(client, running, ttl)
        print("seeding the network through the ERP's bulk syncs ...", flush=True)
        await seed(client, admin, world)
        figures = Figures()
        print(f"driving the workload for {opts.minutes:g} min ...", flush=True)
        seconds = await drive(Workload(client, world, figures), opts, memory)
        return figures, seconds


def run(opts: Options) -> int:
    run_dir = REPO / "bench" / "results" / f"soak-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    run_dir.mkdir(parents=True)
    procs = Processes(run_dir)
    exit_on_signals()
    try:
        running = start_stack(procs, opts.pg_url, opts.redis_url)
        memory = Memory(running.pids)
        before = {name: cpu_seconds(pid) for name, pid in running.pids.items()}
        figures, seconds = asyncio.run(soak(running, opts, memory))
        cpu = {name: cpu_seconds(pid) - before[name] for name, pid in running.pids.items()}
        for name in running.pids:
            procs.check_alive(name)
    except (BenchError, ProcessError) as exc:
        print(f"soak failed: {exc}\n(process logs in {run_dir})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        print("stopping the processes ...", file=sys.stderr, flush=True)
        procs.stop()
    title = (
        f"soak: {seconds / 60:.1f} min through the gateway on PostgreSQL, {opts.concurrency} "
        f"workers, {os.cpu_count()} CPUs; memory sampled every {opts.sample_seconds:g} s, "
        f"warm-up {opts.warmup:.0f} s"
    )
    text = report(title, figures, memory, opts.warmup, seconds, cpu)
    print("\n" + text)
    (run_dir / "report.txt").write_text(text + "\n")
    (run_dir / "memory.json").write_text(json.dumps(memory.samples))
    print(f"\nreport, memory samples and process logs: {run_dir}")
    return 1 if failed(figures) else 0


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--minutes", type=float, default=10, help="how long to drive the workload (default 10)")
    add("--concurrency", type=int, default=8, help="asyncio workers sending (default 8)")
    add("--sample-seconds", type=float, default=5, help="memory sampling period (default 5)")
    add("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres", help="may CREATE DB")
    add("--redis-url", default="redis://127.0.0.1:6379/14", help="the gateway's rate limits")
    add("--seed", type=int, default=1, help="random seed of the workload (default 1)")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.concurrency < 1 or args.sample_seconds <= 0:
        parser.error("--minutes, --concurrency and --sample-seconds must be positive")
    return Options(
        minutes=args.minutes,
        concurrency=args.concurrency,
        sample_seconds=args.sample_seconds,
        pg_url=args.pg_url,
        redis_url=args.redis_url,
        seed=args.seed,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
