"""Faults with real processes: PostgreSQL restarted under a write load (a private server, so the
rest of the suite is not disturbed). While it is down the services answer 503 problems with
`Retry-After`, never 500; `/readyz` says so; they recover by themselves; every write a client
retried with its Idempotency-Key lands exactly once, and none that was acknowledged is lost."""

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.stack import SERVICES, Stack, free_port

pytestmark = pytest.mark.e2e
BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
DATABASES = (*SERVICES, "gateway")


def _as_postgres(*argv: str) -> list[str]:
    """Commands of the server's own user: PostgreSQL refuses to run as root."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


class PrivateServer:
    def __init__(self, root: Path) -> None:
        assert BIN is not None
        self.data = root / "data"
        self.port = free_port()
        root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
        subprocess.run(
            _as_postgres(str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "ars"),
            check=True,
            capture_output=True,
        )

    def ctl(self, *args: str) -> None:
        assert BIN is not None
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        log = str(self.data.parent / "server.log")
        # the server's output goes to its log: a pipe would be held open by the server forever
        subprocess.run(
            [
                *_as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options),
                "-l",
                log,
                "-w",
                *args,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://ars@127.0.0.1:{self.port}/{database}"

    def create(self, database: str) -> None:
        assert BIN is not None
        subprocess.run(
            [str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "ars", database],
            check=True,
            capture_output=True,
        )


@pytest.fixture(scope="module")
def outage_stack() -> Iterator[tuple[Stack, PrivateServer]]:
    if BIN is None or (shutil.which("runuser") is None and os.geteuid() == 0):
        pytest.skip("no PostgreSQL server binaries to run a private server with")
    # not under pytest's own temporary folder, which the server's user may not enter
    root = Path(tempfile.mkdtemp(prefix="ars-fault-pg-"))
    root.chmod(0o755)
    server = PrivateServer(root / "server")
    server.ctl("start")
    try:
        for name in DATABASES:
            server.create(f"ars_{name}")
        urls = {name: server.url(f"ars_{name}") for name in DATABASES}
        ports = {name: free_port() for name in DATABASES}
        stack = Stack(urls, ports=ports, extra_env={"GATEWAY_DEV_AUTH": "true"}, quiet=True)
        stack.migrate()
        stack.start_all()
        try:
            stack.wait_ready()
            yield stack, server
        finally:
            stack.stop_all()
    finally:
        server.ctl("stop", "-m", "immediate")
        shutil.rmtree(root, ignore_errors=True)


def _region(n: int) -> dict[str, str]:
    return {"code": f"S{n:05d}", "name": f"销售区{n}", "kind": "sales"}


def test_a_database_restart_is_a_503_and_nothing_is_lost(
    outage_stack: tuple[Stack, PrivateServer],
) -> None:
    stack, server = outage_stack
    statuses: Counter[int] = Counter()
    readiness: Counter[int] = Counter()
    acknowledged: set[str] = set()
    stop = threading.Event()

    def write(n: int, client: httpx.Client) -> None:
        """Create a region, retrying with the same key until it is acknowledged."""
        key = {"Idempotency-Key": f"fault-{n}"}
        while True:
            r = client.post("/v1/regions", json=_region(n), headers=key)
            statuses[r.status_code] += 1
            if r.status_code == 201:
                acknowledged.add(r.json()["id"])
                return
            # 503: the database is away; 409: the key's first try is still settling. Both say
            # when to come back.
            assert r.status_code in (503, 409), r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert float(r.headers["retry-after"]) > 0
            time.sleep(0.2)

    def load() -> None:
        with httpx.Client(base_url=stack.gateway_url, timeout=20) as client:
            n = 0
            while not stop.is_set():
                write(n, client)
                n += 1

    def watch_readiness() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{stack.ports['regions']}", timeout=5) as c:
            while not stop.is_set():
                try:
                    readiness[c.get("/readyz").status_code] += 1
                except httpx.HTTPError:
                    readiness[0] += 1
                time.sleep(0.1)

    workers = [threading.Thread(target=load) for _ in range(3)]
    workers.append(threading.Thread(target=watch_readiness))
    for worker in workers:
        worker.start()
    try:
        time.sleep(2)
        server.ctl("stop", "-m", "fast")
        time.sleep(2)  # down: writes wait and retry
        server.ctl("start")
        time.sleep(4)  # back: everything recovers by itself
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    assert statuses[201] >= 10, statuses
    assert not {s for s in statuses if s >= 500} - {503}, statuses
    assert statuses[503] > 0, statuses  # the outage was seen, as a 503
    assert readiness[503] > 0 and readiness[200] > 0, readiness
    with httpx.Client(base_url=stack.gateway_url, timeout=20) as client:
        stored = set()
        cursor = None
        while True:
            params = {"limit": 500} | ({"cursor": cursor} if cursor else {})
            page = client.get("/v1/regions", params=params).json()
            stored |= {item["id"] for item in page["items"] if item["code"].startswith("S")}
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert acknowledged <= stored  # nothing acknowledged was lost
    assert len(stored) == len(acknowledged)  # and no retry made a second region
