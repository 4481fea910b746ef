"""The gateway's `/docs` page in a real headless Chromium with every host but this machine
unresolvable (as on a factory intranet): Swagger UI renders the merged contract's operations
from the files the gateway serves itself."""

import asyncio
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.stack import SERVICES, Stack, free_port
from tests.harness import Databases

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def gateway(databases: Databases) -> Iterator[Stack]:
    url = asyncio.run(databases.url("gateway", "sqlite", "docs_browser"))
    # only the gateway runs: the docs need no service (their URLs lead nowhere)
    urls = {name: "sqlite+aiosqlite:///unused.db" for name in SERVICES} | {"gateway": url}
    ports = {name: free_port() for name in ("gateway", *SERVICES)}
    stack = Stack(urls, ports=ports, quiet=True)
    stack.start("gateway")
    try:
        yield stack
    finally:
        stack.stop_all()


def _rendered(url: str, profile: Path) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            # no name resolves but this machine's: a page needing a CDN would not render
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_the_docs_page_renders_offline(gateway: Stack, tmp_path: Path) -> None:
    base = gateway.gateway_url
    for _ in range(100):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    contract = httpx.get(f"{base}/openapi.json", timeout=5).json()
    operations = sum(len(ops) for ops in contract["paths"].values())
    dom = _rendered(f"{base}/docs", tmp_path / "profile")
    rendered = len(re.findall(r'class="opblock opblock-', dom))
    assert rendered == operations, (rendered, operations)
    assert "/v1/regions" in dom and "Failed to load API definition" not in dom
