"""Per-client token buckets: burst then rate, RateLimit headers, 429 problems with Retry-After;
in memory for one gateway, in Redis shared by several."""

import os
import uuid

import httpx
import pytest
from asgi_lifespan import LifespanManager

from gateway.app import create_app
from gateway.ratelimit import MemoryRateLimiter, RedisRateLimiter, gcra
from gateway.settings import GatewaySettings, Limit
from tests.gateway.conftest import key_header

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def test_bucket_allows_the_burst_then_the_rate() -> None:
    limit = Limit(rate=2, burst=3)
    tat, now, allowed = 0.0, 100.0, []
    for _ in range(4):
        ok, tat_next, decision = gcra(tat or now, now, limit)
        allowed.append(ok)
        tat = tat_next if ok else tat
    assert allowed == [True, True, True, False]
    assert decision.retry_after == pytest.approx(0.5)
    ok, _, later = gcra(tat, now + 0.5, limit)
    assert ok and later.remaining == 0


async def test_memory_limiter_headers() -> None:
    limiter = MemoryRateLimiter()
    limit = Limit(rate=1, burst=2)
    first = await limiter.hit("k", limit)
    assert first.allowed and first.remaining == 1
    await limiter.hit("k", limit)
    third = await limiter.hit("k", limit)
    assert not third.allowed
    headers = dict(third.headers())
    assert headers[b"ratelimit-policy"] == b'"client";q=2;w=2'
    assert headers[b"ratelimit"].startswith(b'"client";r=0;')
    assert int(headers[b"retry-after"]) >= 1


async def test_client_over_its_limit_gets_429(gw: httpx.AsyncClient, admin_key: str) -> None:
    r = await gw.post(
        "/v1/api-clients",
        json={"name": "tight", "kind": "erp", "scopes": ["regions:read"], "rate": 0.5, "burst": 2},
        headers=key_header(admin_key),
    )
    key = r.json()["key"]["key"]
    answers = [await gw.get("/v1/regions", headers=key_header(key)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["ratelimit-policy"] == '"client";q=2;w=4'
    assert answers[1].headers["ratelimit"].startswith('"client";r=0;')
    limited = answers[2]
    assert limited.headers["content-type"] == "application/problem+json"
    assert int(limited.headers["retry-after"]) >= 1
    assert "rate limit" in limited.json()["detail"].lower()


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (no local Redis)")
async def test_redis_limiter_is_shared_by_replicas(gateway_settings: GatewaySettings) -> None:
    assert REDIS_URL
    a, b = RedisRateLimiter(REDIS_URL), RedisRateLimiter(REDIS_URL)
    key, limit = f"test-{uuid.uuid4()}", Limit(rate=1, burst=3)
    try:
        results = [await (a if i % 2 else b).hit(key, limit) for i in range(4)]
    finally:
        await a.close()
        await b.close()
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[3].retry_after > 0


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (no local Redis)")
async def test_two_gateways_on_redis_enforce_one_limit(
    gateway_settings: GatewaySettings, gw: httpx.AsyncClient, admin_key: str
) -> None:
    r = await gw.post(
        "/v1/api-clients",
        json={
            "name": f"shared-{uuid.uuid4().hex[:6]}",
            "kind": "erp",
            "scopes": ["regions:read"],
            "rate": 0.5,
            "burst": 3,
        },
        headers=key_header(admin_key),
    )
    key = r.json()["key"]["key"]
    settings = gateway_settings.model_copy(update={"redis_url": REDIS_URL})
    first, second = create_app(settings), create_app(settings)
    async with LifespanManager(first), LifespanManager(second):
        codes = []
        for i in range(4):
            app = first if i % 2 else second
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://g"
            ) as c:
                codes.append((await c.get("/v1/regions", headers=key_header(key))).status_code)
    assert codes == [200, 200, 200, 429]


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (no local Redis)")
async def test_redis_batches_never_exceed_the_shared_limit() -> None:
    """Replicas take tokens in batches; together they still never pass the bucket's size."""
    assert REDIS_URL
    replicas = [RedisRateLimiter(REDIS_URL) for _ in range(3)]
    key, limit = f"test-{uuid.uuid4()}", Limit(rate=0.01, burst=100)  # batches of 10
    try:
        allowed = 0
        for i in range(300):
            allowed += (await replicas[i % 3].hit(key, limit)).allowed
    finally:
        for r in replicas:
            await r.close()
    assert allowed == 100
