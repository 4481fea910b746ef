"""A sync HTTP client on a service app, for the demo loaders (sync, as they run against the
gateway): each request goes to the ASGI app on an event loop of its own thread."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from chassis.devkeys import DEV_PRIVATE_KEY
from chassis.identity import TokenSigner
from chassis.testing import auth_headers

# A demo load takes minutes on a busy machine: longer than an identity token normally lives.
_LONG_LIVED = TokenSigner(DEV_PRIVATE_KEY, ttl=3600)


def demo_headers(audience: str, scopes: tuple[str, ...]) -> dict[str, str]:
    return auth_headers(audience, scopes, signer=_LONG_LIVED)


class _LoopTransport(httpx.BaseTransport):
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
        with httpx.Client(transport=transport, base_url="http://dealers", headers=headers) as c:
            yield c
        asyncio.run_coroutine_threadsafe(app.state.db.dispose(), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
