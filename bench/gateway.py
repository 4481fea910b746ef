"""Gateway overhead on PostgreSQL: GET-by-id four ways in one run, driven by wrk.

The four targets, measured one after the other in each round:
  hello    a bare FastAPI hello-world (bench/hello_app.py)
  minimal  a minimal FastAPI + asyncpg GET-by-id on the regions table (bench/minimal_app.py)
  direct   the regions service itself: GET /v1/regions/{id} with a signed identity token
  gateway  the same call through the gateway, as its development principal

For each it prints req/s, p50, p99 and the CPU time per request of the serving process (and of
the gateway), read from /proc/<pid>/stat, then the ratios the project targets.

    apt-get install -y wrk          # the load generator (Debian package)
    .venv/bin/python -m bench.gateway [--duration 10] [--connections 32] [--rows 1000]

Needs PostgreSQL at --pg-url (trust auth; it drops and creates the databases ars_bench_*) and
Redis at --redis-url. See bench/README.md.
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
import statistics
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import asyncpg
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import make_url

from bench import wrk
from bench.processes import (
    REPO,
    ProcessError,
    Processes,
    cpu_seconds,
    exit_on_signals,
    free_port,
    uvicorn_argv,
)
from chassis.identity import Principal, TokenSigner
from gateway.devidp import DEV_IDP_PRIVATE_KEY
from gateway.people import mint_person_token
from gateway.settings import GatewaySettings

RESULTS = REPO / "bench" / "results"
SERVICES = ("regions", "dealers", "advisors")
TARGETS = ("hello", "minimal", "direct", "gateway", "gateway_key", "gateway_token")
REGION_SCOPES = frozenset({"regions:read", "regions:write"})
# GB/T 2260 province prefixes; seeding walks them depth first (province, prefecture, county).
PROVINCES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62"
GOALS = (
    # label, numerator, denominator, goal, higher is better
    ("throughput: gateway / direct", "gateway_rps", "direct_rps", 0.80, True),
    ("CPU per request: gateway / hello-world", "gateway_cpu", "hello_cpu", 1.4, False),
    ("throughput: service / minimal endpoint", "direct_rps", "minimal_rps", 0.5, True),
    # with authentication and rate limiting on: a partner's API key, a person's token
    ("throughput: gateway+API key / direct", "gateway_key_rps", "direct_rps", 0.75, True),
    ("CPU per request: gateway+API key / hello", "gateway_key_cpu", "hello_cpu", 1.6, False),
    ("throughput: gateway+user token / direct", "gateway_token_rps", "direct_rps", 0.75, True),
    ("CPU per request: gateway+user token / hello", "gateway_token_cpu", "hello_cpu", 1.6, False),
)
# Limits high enough never to refuse the load, so that the limiter runs but does not interfere.
BENCH_LIMITS = (
    '{"user": {"rate": 1000000, "burst": 1000000}, "partner": {"rate": 1000000, "burst": 1000000}}'
)


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    rows: int
    rounds: int
    pg_url: str
    redis_url: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """One way of serving GET-by-id: where to send it and whose CPU time to read."""

    name: str
    base_url: str
    paths: tuple[str, ...]
    headers: Mapping[str, str]
    pids: Mapping[str, int]  # role ("server", "gateway") -> process id


@dataclass(frozen=True)
class Measurement:
    target: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us_per_request: dict[str, float] = field(default_factory=dict)


# --- setup ----------------------------------------------------------------------------------


async def recreate_databases(pg_url: str, names: Sequence[str]) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def database_url(pg_url: str, name: str, driver: str = "postgresql+asyncpg") -> str:
    """The server URL `pg_url` pointed at database `name`, with the given driver."""
    url = make_url(pg_url).set(drivername=driver, database=name)
    return url.render_as_string(hide_password=False)


def migrate(module: str, env: Mapping[str, str]) -> None:
    argv = [sys.executable, "-m", module, "migrate"]
    done = subprocess.run(
        argv, check=False, cwd=REPO, env=dict(env), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BenchError(f"`python -m {module} migrate` failed:\n{done.stderr[-3000:]}")


def identity_keys() -> tuple[str, str]:
    """A fresh Ed25519 pair (private PEM, public PEM) for this run's identity tokens."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


def service_token(private_pem: str, ttl: int) -> str:
    """An identity token for calling the regions service directly, as the gateway would sign."""
    principal = Principal(subject="bench", kind="service", scopes=REGION_SCOPES, name="bench")
    return TokenSigner(private_pem, ttl=ttl).sign(principal, audience="regions")


def base_env() -> dict[str, str]:
    """This environment without ARS settings, so that a developer's shell cannot leak in."""
    prefixes = tuple(f"{p.upper()}_" for p in (*SERVICES, "gateway", "bench"))
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


# --- seeding --------------------------------------------------------------------------------


def region_codes(rows: int) -> list[tuple[str, str]]:
    """`rows` (code, name) pairs in GB/T 2260 order: each parent before its children."""

    def walk() -> Iterator[tuple[str, str]]:
        for prefix in PROVINCES.split():
            yield f"{prefix}0000", f"第{prefix}省"
            for city in range(1, 100):
                yield f"{prefix}{city:02d}00", f"第{prefix}省第{city}市"
                for county in range(1, 100):
                    yield f"{prefix}{city:02d}{county:02d}", f"第{prefix}省第{city}市第{county}县"

    codes = [pair for _, pair in zip(range(rows), walk(), strict=False)]
    if len(codes) < rows:
        raise BenchError(f"--rows {rows} is more than the {len(codes)} codes this seeder makes")
    return codes


def parent_code(code: str) -> str | None:
    """GB/T 2260: a county's parent is its prefecture, a prefecture's its province."""
    if code.endswith("0000"):
        return None
    return code[:2] + "0000" if code.endswith("00") else code[:4] + "00"


def code_depth(code: str) -> int:
    """0 for a province, 1 for a prefecture, 2 for a county."""
    parent = parent_code(code)
    return 0 if parent is None else 1 + code_depth(parent)


async def seed_regions(base_url: str, rows: int, concurrency: int = 16) -> list[str]:
    """Create `rows` regions through the API, parents before children; return their ids."""
    ids: dict[str, str] = {}
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def create(code: str, name: str) -> None:
            parent = parent_code(code)
            body = {"code": code, "name": name, "kind": "administrative"}
            if parent is not None:
                body["parent_id"] = ids[parent]
            async with gate:
                for _attempt in range(20):
                    response = await client.post("/v1/regions", json=body)
                    if response.status_code != 429:
                        break
                    await asyncio.sleep(float(response.headers.get("retry-after", "0.5")))
            if response.status_code != 201:
                raise BenchError(f"POST /v1/regions {code}: {response.status_code} {response.text}")
            ids[code] = str(response.json()["id"])

        codes = region_codes(rows)
        for depth in range(3):  # provinces, then prefectures, then counties
            level = [(c, n) for c, n in codes if code_depth(c) == depth]
            await asyncio.gather(*(create(c, n) for c, n in level))
    return list(ids.values())


# --- the stack ------------------------------------------------------------------------------


def start_stack(procs: Processes, opts: Options) -> dict[str, Target]:
    """Start the three services, the gateway and the two baselines; seed; describe targets."""
    env = base_env()
    private_key, public_key = identity_keys()
    dbs = {name: f"ars_bench_{name}" for name in (*SERVICES, "gateway")}
    print(f"creating databases {', '.join(dbs.values())} ...", flush=True)
    asyncio.run(recreate_databases(opts.pg_url, list(dbs.values())))

    ports = {name: free_port() for name in (*SERVICES, "gateway", "minimal", "hello")}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    pids: dict[str, int] = {}
    for service in SERVICES:
        prefix = service.upper()
        service_env = env | {
            f"{prefix}_ENVIRONMENT": "production",
            f"{prefix}_DATABASE_URL": database_url(opts.pg_url, dbs[service]),
            f"{prefix}_IDENTITY_PUBLIC_KEY": public_key,
            f"{prefix}_ACCESS_LOG": "false",
            f"{prefix}_LOG_LEVEL": "WARNING",
        }
        migrate(f"services.{service}", service_env)
        argv = uvicorn_argv(f"services.{service}.app:create_app", ports[service])
        pids[service] = procs.start(service, argv, service_env)

    gateway_env = env | {
        "GATEWAY_ENVIRONMENT": "development",
        "GATEWAY_DATABASE_URL": database_url(opts.pg_url, dbs["gateway"]),
        "GATEWAY_IDENTITY_PRIVATE_KEY": private_key,
        "GATEWAY_DEV_AUTH": "true",
        "GATEWAY_WEBHOOKS_ENABLED": "false",  # no feed polling in the measured processes
        "GATEWAY_ACCESS_LOG": "false",
        "GATEWAY_LOG_LEVEL": "WARNING",
        "GATEWAY_RATE_LIMITS": BENCH_LIMITS,
        **{f"GATEWAY_{s.upper()}_URL": url[s] for s in SERVICES},
    }
    if opts.redis_url:
        gateway_env["GATEWAY_REDIS_URL"] = opts.redis_url
    migrate("gateway", gateway_env)
    argv = uvicorn_argv("gateway.app:create_app", ports["gateway"])
    pids["gateway"] = procs.start("gateway", argv, gateway_env)

    regions_dsn = database_url(opts.pg_url, dbs["regions"], driver="postgresql")
    argv = uvicorn_argv("bench.minimal_app:create_app", ports["minimal"])
    pids["minimal"] = procs.start("minimal", argv, env | {"BENCH_DATABASE_URL": regions_dsn})
    argv = uvicorn_argv("bench.hello_app:create_app", ports["hello"])
    pids["hello"] = procs.start("hello", argv, env)

    for name in (*SERVICES, "gateway"):
        procs.wait_ready(name, f"{url[name]}/readyz")
    procs.wait_ready("hello", f"{url['hello']}/hello")
    # The minimal app opens its pool before it listens: any answer means that it is up.
    procs.wait_ready("minimal", f"{url['minimal']}/", any_status=True)

    print(f"seeding {opts.rows} regions through the gateway ...", flush=True)
    ids = asyncio.run(seed_regions(url["gateway"], opts.rows))
    paths = tuple(f"/v1/regions/{i}" for i in ids)
    ttl = (opts.duration + opts.warmup) * opts.rounds * len(TARGETS) + 600
    token = {"Authorization": f"Bearer {service_token(private_key, ttl)}"}
    regions_and_gateway = {"server": pids["regions"], "gateway": pids["gateway"]}
    key = {"X-API-Key": partner_key(url["gateway"], gateway_env)}
    person = {"Authorization": f"Bearer {person_token(ttl)}"}
    return {
        "hello": Target("hello", url["hello"], ("/hello",), {}, {"server": pids["hello"]}),
        "minimal": Target("minimal", url["minimal"], paths, {}, {"server": pids["minimal"]}),
        "direct": Target("direct", url["regions"], paths, token, {"server": pids["regions"]}),
        "gateway": Target("gateway", url["gateway"], paths, {}, regions_and_gateway),
        "gateway_key": Target("gateway_key", url["gateway"], paths, key, regions_and_gateway),
        "gateway_token": Target(
            "gateway_token", url["gateway"], paths, person, regions_and_gateway
        ),
    }


def partner_key(gateway_url: str, gateway_env: Mapping[str, str]) -> str:
    """A partner client's key, made through the admin API with the first admin key."""
    admin = subprocess.run(
        [sys.executable, "-m", "gateway", "create-admin-key", "--name", "bench-admin"],
        env=dict(gateway_env),
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    body = {
        "name": "bench-partner",
        "kind": "partner",
        "scopes": ["regions:read"],
        "dealer_ids": [str(uuid.uuid4())],
    }
    r = httpx.post(f"{gateway_url}/v1/api-clients", json=body, headers={"X-API-Key": admin})
    if r.status_code != 201:
        raise BenchError(f"creating the partner client: {r.status_code} {r.text}")
    return str(r.json()["key"]["key"])


def person_token(ttl: int) -> str:
    return mint_person_token(
        DEV_IDP_PRIVATE_KEY, GatewaySettings(), subject="bench.viewer", roles=["viewer"], ttl=ttl
    )


# --- measuring ------------------------------------------------------------------------------


def check_target(target: Target) -> None:
    """One request before the load: a target that answers errors would measure nothing."""
    url = target.base_url + target.paths[0]
    response = httpx.get(url, headers=dict(target.headers), timeout=10)
    if response.status_code != 200:
        raise BenchError(f"{target.name}: GET {url} -> {response.status_code} {response.text}")


def measure(target: Target, opts: Options, workdir: Path) -> Measurement:
    script = workdir / f"{target.name}.lua"
    script.write_text(wrk.script(target.paths, target.headers))
    load = {"connections": opts.connections, "threads": opts.threads}
    if opts.warmup:
        wrk.run(target.base_url, script, duration=opts.warmup, **load)
    before = {role: cpu_seconds(pid) for role, pid in target.pids.items()}
    result = wrk.run(target.base_url, script, duration=opts.duration, **load)
    after = {role: cpu_seconds(pid) for role, pid in target.pids.items()}
    requests = max(result.requests, 1)
    return Measurement(
        target=target.name,
        rps=result.rps,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        errors=result.errors,
        cpu_us_per_request={
            role: (after[role] - before[role]) / requests * 1e6 for role in target.pids
        },
    )


def median(runs: Sequence[Measurement]) -> Measurement:
    roles = runs[0].cpu_us_per_request.keys()
    return Measurement(
        target=runs[0].target,
        rps=statistics.median(m.rps for m in runs),
        p50_ms=statistics.median(m.p50_ms for m in runs),
        p99_ms=statistics.median(m.p99_ms for m in runs),
        errors=sum(m.errors for m in runs),
        cpu_us_per_request={
            role: statistics.median(m.cpu_us_per_request[role] for m in runs) for role in roles
        },
    )


# --- report ---------------------------------------------------------------------------------


def ratios(results: Mapping[str, Measurement]) -> list[tuple[str, float, float, bool]]:
    """(label, value, goal, met) for each goal whose two figures were measured."""
    figures: dict[str, float] = {}
    for name, m in results.items():
        cpu = m.cpu_us_per_request
        figures[f"{name}_rps"] = m.rps
        figures[f"{name}_cpu"] = cpu.get("gateway", cpu["server"])
    rows = []
    for label, top, bottom, goal, higher_is_better in GOALS:
        if top in figures and figures.get(bottom, 0) > 0:
            value = figures[top] / figures[bottom]
            rows.append((label, value, goal, value >= goal if higher_is_better else value <= goal))
    return rows


def report(results: Mapping[str, Measurement], opts: Options) -> str:
    title = (
        f"GET-by-id, {opts.rows} rows, wrk -t{opts.threads} -c{opts.connections} "
        f"-d{opts.duration}s, median of {opts.rounds} round(s), {os.cpu_count()} CPUs"
    )
    header = (
        f"{'target':<9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'server CPU µs/req':>18} {'gateway CPU µs/req':>19} {'errors':>7}"
    )
    lines = [title, "", header]
    for m in results.values():
        gateway_cpu = m.cpu_us_per_request.get("gateway")
        gateway_column = "-" if gateway_cpu is None else f"{gateway_cpu:.0f}"
        lines.append(
            f"{m.target:<9} {m.rps:>9.0f} {m.p50_ms:>8.2f} {m.p99_ms:>8.2f} "
            f"{m.cpu_us_per_request['server']:>18.0f} {gateway_column:>19} {m.errors:>7}"
        )
    lines.append("")
    for label, value, goal, met in ratios(results):
        sign = "≥" if "throughput" in label else "≤"
        verdict = "ok" if met else "MISSED"
        lines.append(f"{label:<40} {value:>6.2f}  (target {sign} {goal:.2f}) {verdict}")
    if any(m.errors for m in results.values()):
        lines.append(
            "\nsome requests failed (non-2xx or socket errors): these figures are not valid"
        )
    return "\n".join(lines)


def save(path: Path, opts: Options, runs: Mapping[str, list[Measurement]]) -> None:
    results = {name: median(ms) for name, ms in runs.items()}
    record = {
        "options": asdict(opts),
        "results": {name: asdict(m) for name, m in results.items()},
        "rounds": {name: [asdict(m) for m in ms] for name, ms in runs.items()},
        "ratios": [
            dict(zip(("label", "value", "goal", "met"), r, strict=False)) for r in ratios(results)
        ],
    }
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False))


# --- main -----------------------------------------------------------------------------------


def run(opts: Options) -> int:
    if not wrk.available():
        print(wrk.INSTALL_HINT, file=sys.stderr)
        return 2
    run_dir = RESULTS / f"gateway-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    run_dir.mkdir(parents=True)
    procs = Processes(run_dir)
    runs: dict[str, list[Measurement]] = {name: [] for name in opts.targets}
    exit_on_signals()
    try:
        targets = start_stack(procs, opts)
        for name in opts.targets:
            check_target(targets[name])
        with tempfile.TemporaryDirectory(prefix="ars-bench-") as workdir:
            for round_no in range(1, opts.rounds + 1):
                for name in opts.targets:
                    print(f"round {round_no}/{opts.rounds}: {name} ...", flush=True)
                    runs[name].append(measure(targets[name], opts, Path(workdir)))
    except (BenchError, ProcessError, wrk.WrkError) as exc:
        print(f"benchmark failed: {exc}\n(process logs in {run_dir})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        print("stopping the processes ...", file=sys.stderr, flush=True)
        procs.stop()
    results = {name: median(ms) for name, ms in runs.items()}
    print("\n" + report(results, opts))
    save(run_dir / "results.json", opts, runs)
    print(f"\nresults and process logs: {run_dir}")
    return 1 if any(m.errors for m in results.values()) else 0


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.gateway",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--duration", type=int, default=10, help="seconds per measured run (default 10)")
    add("--warmup", type=int, default=2, help="seconds of load before each run (default 2)")
    add("--connections", type=int, default=32, help="wrk connections (default 32)")
    add("--threads", type=int, default=1, help="wrk threads (default 1)")
    add("--rows", type=int, default=1000, help="regions to seed (default 1000)")
    add("--rounds", type=int, default=1, help="rounds; the figures are medians (default 1)")
    add("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres", help="may CREATE DB")
    add("--redis-url", default="redis://127.0.0.1:6379/15", help="the gateway's; '' for none")
    add("--targets", default=",".join(TARGETS), help="comma-separated subset of the targets")
    args = parser.parse_args(argv)
    targets = tuple(t for t in args.targets.split(",") if t)
    if unknown := set(targets) - set(TARGETS):
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads")
    return Options(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        rows=args.rows,
        rounds=args.rounds,
        pg_url=args.pg_url,
        redis_url=args.redis_url,
        targets=targets,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
