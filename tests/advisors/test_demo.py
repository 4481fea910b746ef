"""The demo loader runs against the advisors service, and a second run changes nothing."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from chassis.testing import auth_headers
from scripts.demo_advisors import load_advisors
from tests.harness import SERVICES, Databases

REGIONS = {
    "510100": "01a221de-6ceb-7108-8dab-d0c4dfae1f7d",
    "510700": "01a221de-6ceb-7108-8dab-d0c4dfae1f80",
}


class _LoopTransport(httpx.BaseTransport):
    """A sync transport that hands each request to the ASGI app on a loop of its own thread
    (the demo loader is sync, as it runs against the gateway)."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.asgi = httpx.ASGITransport(app=app)
        self.loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            request.stream = httpx.ByteStream(request.read())
            response = await self.asgi.handle_async_request(request)
            return httpx.Response(
                response.status_code, headers=response.headers, content=await response.aread()
            )

        return asyncio.run_coroutine_threadsafe(send(), self.loop).result()


@contextmanager
def sync_client(app: Any, headers: dict[str, str]) -> Iterator[httpx.Client]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        transport = _LoopTransport(app, loop)
        with httpx.Client(transport=transport, base_url="http://advisors", headers=headers) as c:
            yield c
        asyncio.run_coroutine_threadsafe(app.state.db.dispose(), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def test_demo_loads_and_replays(databases: Databases, backend: str) -> None:
    url = asyncio.run(databases.url("advisors", backend, "demo"))
    app = SERVICES["advisors"].create_app(url)
    headers = auth_headers("advisors", ("advisors:read", "advisors:write"))
    with sync_client(app, headers) as client:
        ids = load_advisors(client, REGIONS)
        assert len(ids) == 12
        assert load_advisors(client, REGIONS) == ids

        def count(path: str, **params: str) -> int:
            r = client.get(path, params={"limit": 500, **params})
            assert r.status_code == 200, r.text
            return len(r.json()["items"])

        assert count("/v1/advisors", manager_id=ids["E1001"]) == 5
        assert count("/v1/action-plans", status="approved") == 20
        assert count("/v1/visits") == 120
        assert count("/v1/visits", status="missed") == 10
        assert count("/v1/visits", far_from_account="true") > 0
        assert count("/v1/assessments", period="2026-09") == 12
        assert count("/v1/assessments", locked="true") == 1
        assert count("/v1/coaching-sessions") == 20
        assert count("/v1/trainings/certifications") > 0
        board = client.get(
            "/v1/assessments/leaderboard",
            params={"period": "2026-10", "region_id": REGIONS["510100"]},
        ).json()
        assert len(board["items"]) == 6
