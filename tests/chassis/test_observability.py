"""Request ids, metrics, JSON logs, health and readiness."""

import logging

import httpx
import pytest

from chassis.jsonutil import loads
from chassis.observability import JsonFormatter, request_id_var
from tests.chassis.probe import probe_app


async def test_request_id_is_echoed_or_made(probe: httpx.AsyncClient) -> None:
    r = await probe.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    made = (await probe.get("/healthz")).headers["x-request-id"]
    assert len(made) == 32
    odd = await probe.get("/healthz", headers={"X-Request-ID": "x" * 500})
    assert odd.headers["x-request-id"] != "x" * 500


async def test_errors_carry_the_request_id(probe: httpx.AsyncClient) -> None:
    r = await probe.get("/v1/probe-events", headers={"Authorization": "", "X-Request-ID": "rid-9"})
    assert r.status_code == 401 and r.headers["x-request-id"] == "rid-9"


async def test_metrics_count_requests_by_route(probe: httpx.AsyncClient) -> None:
    await probe.post("/v1/probes", json={"value": 1})
    text = (await probe.get("/metrics")).text
    assert 'http_requests_total{method="POST",route="/v1/probes",status="201"}' in text
    assert "http_request_duration_seconds_bucket" in text


def test_log_lines_are_json_with_the_request_id() -> None:
    token = request_id_var.set("rid-42")
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        doc = loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert doc["msg"] == "hello world" and doc["request_id"] == "rid-42" and doc["level"] == "INFO"


async def test_ready_when_migrated(probe: httpx.AsyncClient) -> None:
    r = await probe.get("/readyz")
    assert r.status_code == 200 and r.json()["revision"] == r.json()["head"]


async def test_not_ready_before_migrations(tmp_path: pytest.TempPathFactory) -> None:
    app = probe_app(f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p") as c:
        r = await c.get("/readyz")
    await app.state.db.dispose()
    assert r.status_code == 503 and r.json()["revision"] is None


async def test_not_ready_without_database() -> None:
    app = probe_app("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p") as c:
        r = await c.get("/readyz")
    await app.state.db.dispose()
    assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
