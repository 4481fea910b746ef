"""`Idempotency-Key` for POST (IETF draft semantics), keyed per caller: the same key and payload
replays the stored response, another payload is a 422, a request still in flight a 409. A JSON
payload is the same payload whatever its key order or spacing."""

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from chassis.asgi import (
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    header,
    read_body,
    replay_receive,
    send_bytes,
)
from chassis.db import Database
from chassis.errors import (
    PROBLEM_MEDIA_TYPE,
    Conflict,
    ContentTooLarge,
    FieldError,
    ProblemError,
    Unprocessable,
    database_unavailable,
)
from chassis.identity import Principal
from chassis.jsonutil import dumps

log = logging.getLogger("chassis.idempotency")

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 255
MAX_BODY = 32 * 1024 * 1024
# A request in flight longer than this is taken to have died; its key may be reused.
IN_FLIGHT_TIMEOUT = timedelta(seconds=60)
_REPLAYED_HEADERS = {"content-type", "location", "etag"}


def canonical(body: bytes) -> bytes:
    """A JSON body re-serialised with sorted keys and no spacing, so `{"a":1,"b":2}` and
    `{ "b": 2, "a": 1 }` are one payload; anything else compares as the bytes sent."""
    try:
        return orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return body


def fingerprint(scope: Scope, body: bytes) -> str:
    h = hashlib.sha256()
    for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode()):
        h.update(part.encode() + b"\0")
    h.update(canonical(body))
    return h.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, db: Callable[[], Database], table: Table) -> None:
        self.app = app
        self.db = db
        self.table = table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, HEADER) if scope["type"] == "http" else None
        principal = scope.get("state", {}).get("principal")
        if key is None or scope["method"] != "POST" or not isinstance(principal, Principal):
            await self.app(scope, receive, send)
            return
        try:
            await self._handle(scope, receive, send, key, principal)
        except ProblemError as exc:
            # a key still in flight: the first request may yet finish; retry in a moment
            retry = [(b"retry-after", b"1")] if isinstance(exc, Conflict) else []
            body = dumps(exc.body(scope["path"]))
            await send_bytes(send, exc.status, body, PROBLEM_MEDIA_TYPE, retry)

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, key: str, principal: Principal
    ) -> None:
        if not key or len(key) > MAX_KEY_LENGTH:
            detail = f"must be 1 to {MAX_KEY_LENGTH} characters"
            raise Unprocessable(
                f"Idempotency-Key {detail}.",
                errors=[FieldError("#/idempotency-key", detail, location="header")],
            )
        body = await read_body(receive, MAX_BODY)
        if body is None:
            raise ContentTooLarge(f"The body exceeds {MAX_BODY // (1024 * 1024)} MiB.")
        caller = f"{principal.kind}:{principal.subject}"
        print_ = fingerprint(scope, body)
        stored = await self._claim(caller, key, print_)
        if stored is not None:
            await self._replay(send, stored)
            return
        captured: dict[str, Any] = {"body": []}
        held: list[Message] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [
                    [k.decode("latin-1"), v.decode("latin-1")]
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() in _REPLAYED_HEADERS
                ]
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
            held.append(message)

        # The answer is held until it is stored: a client retrying the moment it has the answer
        # must find it done (a replay), not still in flight (a 409).
        try:
            await self.app(scope, replay_receive(body), capture)
        finally:
            await self._finish(caller, key, captured)
        for message in held:
            await send(message)

    async def _claim(self, caller: str, key: str, print_: str) -> dict[str, Any] | None:
        """Mark the key in flight, or return the stored response to replay."""
        t = self.table
        now = datetime.now(UTC)
        async with self.db().session() as session:
            try:
                await session.execute(
                    insert(t).values(
                        caller=caller,
                        key=key,
                        fingerprint=print_,
                        state="in_flight",
                        created_at=now,
                    )
                )
                await session.commit()
                return None
            except IntegrityError:
                await session.rollback()
            row = (
                (await session.execute(select(t).where(t.c.caller == caller, t.c.key == key)))
                .mappings()
                .one_or_none()
            )
            if row is None:  # finished and purged between our insert and select
                raise Conflict("A request with this Idempotency-Key is being processed; retry.")
            if row["fingerprint"] != print_:
                raise Unprocessable(
                    "This Idempotency-Key was used with a different request payload."
                )
            if row["state"] == "done":
                return dict(row)
            if _aware(row["created_at"]) > now - IN_FLIGHT_TIMEOUT:
                raise Conflict("A request with this Idempotency-Key is still being processed.")
            taken = await session.execute(
                update(t)
                .where(t.c.caller == caller, t.c.key == key, t.c.created_at == row["created_at"])
                .values(created_at=now)
            )
            await session.commit()
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict("A request with this Idempotency-Key is still being processed.")
            return None

    async def _finish(self, caller: str, key: str, captured: dict[str, Any]) -> None:
        try:
            await self._store(caller, key, captured)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            # The database went away mid-request: the answer is a 503, and the key must not
            # stay in flight for a minute after the database is back, or retries get 409s.
            task = asyncio.create_task(self._release_when_back(caller, key))
            _RELEASING.add(task)
            task.add_done_callback(_RELEASING.discard)
            raise

    async def _release_when_back(self, caller: str, key: str) -> None:
        t = self.table
        deadline = asyncio.get_running_loop().time() + IN_FLIGHT_TIMEOUT.total_seconds()
        while asyncio.get_running_loop().time() < deadline:
            try:
                async with self.db().session() as session:
                    await session.execute(
                        delete(t).where(
                            t.c.caller == caller, t.c.key == key, t.c.state == "in_flight"
                        )
                    )
                    await session.commit()
                return
            except Exception as exc:
                if not database_unavailable(exc):
                    log.exception("could not release an idempotency key", exc_info=exc)
                    return
                await asyncio.sleep(0.5)

    async def _store(self, caller: str, key: str, captured: dict[str, Any]) -> None:
        t = self.table
        where = (t.c.caller == caller, t.c.key == key)
        status = captured.get("status", 500)
        async with self.db().session() as session:
            if status >= 500:
                # a server failure is not an answer: let the client retry with the same key
                await session.execute(delete(t).where(*where))
            else:
                await session.execute(
                    update(t)
                    .where(*where)
                    .values(
                        state="done",
                        status=status,
                        headers=captured.get("headers", []),
                        body=b"".join(captured["body"]),
                    )
                )
            await session.commit()

    async def _replay(self, send: Send, stored: dict[str, Any]) -> None:
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored["headers"] or []]
        headers = [h for h in headers if h[0] != b"content-type"]
        headers.append((b"idempotent-replayed", b"true"))
        media = next(
            (v for k, v in stored["headers"] or [] if k.lower() == "content-type"),
            "application/json",
        )
        await send_bytes(send, stored["status"], stored["body"] or b"", media, headers)


_RELEASING: set["asyncio.Task[None]"] = set()


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
