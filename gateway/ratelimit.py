"""Per-client rate limits: a token bucket (GCRA form: one timestamp per client), in memory for one
gateway or in Redis, atomically by a Lua script, so several replicas enforce one limit."""

import math
import time
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.settings import Limit

POLICY = "client"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: Limit
    remaining: int
    reset: float  # seconds until the bucket is full again
    retry_after: float  # seconds until the next request is allowed (0 when allowed)

    def headers(self) -> list[tuple[bytes, bytes]]:
        window = math.ceil(self.limit.burst / self.limit.rate)
        out = [
            (b"ratelimit-policy", f'"{POLICY}";q={self.limit.burst};w={window}'.encode()),
            (b"ratelimit", f'"{POLICY}";r={self.remaining};t={math.ceil(self.reset)}'.encode()),
        ]
        if not self.allowed:
            out.append((b"retry-after", str(max(1, math.ceil(self.retry_after))).encode()))
        return out


def gcra(tat: float, now: float, limit: Limit) -> tuple[bool, float, Decision]:
    """One step of the algorithm: returns (allowed, the new stored time, the decision)."""
    interval = 1.0 / limit.rate
    capacity = limit.burst * interval
    base = max(tat, now)
    new_tat = base + interval
    if new_tat - now > capacity:
        retry = new_tat - now - capacity
        remaining = 0
        return False, tat, Decision(False, limit, remaining, base - now, retry)
    remaining = int((capacity - (new_tat - now)) / interval)
    return True, new_tat, Decision(True, limit, remaining, new_tat - now, 0.0)


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: Limit) -> Decision: ...


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._tat: dict[str, float] = {}

    async def hit(self, key: str, limit: Limit) -> Decision:
        now = time.monotonic()
        allowed, tat, decision = gcra(self._tat.get(key, now), now, limit)
        if allowed:
            self._tat[key] = tat
        return decision


# KEYS[1] = bucket key; ARGV = interval, capacity, tokens wanted. Takes as many tokens as the
# bucket holds, up to the number wanted. Time comes from Redis so replicas agree.
_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
local base = math.max(tat, now)
local free = math.floor((capacity - (base - now)) / interval + 1e-9)
if free < 1 then
  return {0, tostring(base - now), tostring(base + interval - now - capacity)}
end
local take = math.min(free, wanted)
local new_tat = base + take * interval
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(capacity * 1000) + 1000)
return {take, tostring(new_tat - now), '0'}
"""
# Tokens a replica may take from Redis at once and spend locally (a tenth of the burst, at most
# this many): one Redis round trip per batch instead of per request. A batch not spent within
# LEASE seconds is dropped, so replicas can only be stricter than the shared limit, never looser.
MAX_BATCH = 50
LEASE = 1.0


@dataclass
class _Lease:
    tokens: int
    until: float
    reset: float


class RedisRateLimiter:
    def __init__(self, url: str, prefix: str = "ars:ratelimit:") -> None:
        import redis.asyncio as redis

        self.redis: Any = redis.from_url(url)
        self.prefix = prefix
        self._script = self.redis.register_script(_LUA)
        self._leases: dict[str, _Lease] = {}

    async def hit(self, key: str, limit: Limit) -> Decision:
        now = time.monotonic()
        lease = self._leases.get(key)
        if lease is not None and lease.tokens > 0 and lease.until > now:
            lease.tokens -= 1
            return Decision(True, limit, lease.tokens, lease.reset, 0.0)
        interval = 1.0 / limit.rate
        capacity = limit.burst * interval
        wanted = max(1, min(MAX_BATCH, limit.burst // 10))
        taken, reset, retry = await self._script(
            keys=[self.prefix + key], args=[repr(interval), repr(capacity), wanted]
        )
        reset_s, retry_s = float(reset), float(retry)
        if not int(taken):
            return Decision(False, limit, 0, reset_s, retry_s)
        remaining = int((capacity - reset_s) / interval)
        self._leases[key] = _Lease(int(taken) - 1, now + LEASE, reset_s)
        return Decision(True, limit, remaining + int(taken) - 1, reset_s, 0.0)

    async def close(self) -> None:
        await self.redis.aclose()
