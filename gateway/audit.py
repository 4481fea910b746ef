"""The audit log: every write and every authentication or authorisation failure, written to the
gateway's database in batches off the request path."""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from chassis.db import Database
from chassis.identity import Principal
from gateway.models import audit_events

log = logging.getLogger("gateway.audit")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def outcome(status: int) -> str:
    if status in (401, 403):
        return "denied"
    if status >= 500:
        return "error"
    if status >= 400:
        return "rejected"
    return "ok"


def worth_auditing(method: str, status: int) -> bool:
    return method in WRITES or status in (401, 403)


class AuditLog:
    def __init__(self, db: Database, batch: int = 500, every: float = 0.25) -> None:
        self.db = db
        self.batch = batch
        self.every = every
        self._pending: list[dict[str, Any]] = []
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def record(
        self,
        *,
        request_id: str,
        principal: Principal | None,
        method: str,
        path: str,
        status: int,
        detail: str | None = None,
        client_ip: str | None = None,
    ) -> None:
        self._pending.append(
            {
                "at": datetime.now(UTC),
                "request_id": request_id,
                "actor": principal.subject if principal else None,
                "actor_kind": principal.kind if principal else None,
                "method": method,
                "path": path[:2000],
                "status": status,
                "outcome": outcome(status),
                "detail": (detail or "")[:500] or None,
                "client_ip": client_ip,
            }
        )

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.flush()
            except Exception:  # the audit writer must outlive a database outage
                log.exception("audit flush failed; will retry")

    async def flush(self) -> None:
        async with self._lock:
            while self._pending:
                chunk, self._pending = self._pending[: self.batch], self._pending[self.batch :]
                try:
                    async with self.db.session() as session:
                        await session.execute(insert(audit_events), chunk)
                        await session.commit()
                except Exception:
                    self._pending[:0] = chunk
                    raise

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
