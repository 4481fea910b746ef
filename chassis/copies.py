"""Local copies of another service's records, and counts of the references other services hold
to ours, both kept from event feeds; references checked against the copy, with one bounded read
of the owner when the copy hasn't seen a record yet."""

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

import httpx
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, delete, func, select
from sqlalchemy import Uuid as UuidType
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import UTCDateTime
from chassis.errors import Conflict, ProblemError, field_error
from chassis.peers import PeerSigner
from chassis.queries import dialect_insert
from chassis.settings import BaseServiceSettings

_BOOKKEEPING = ("id", "deleted", "version", "synced_at")


class FeedEvent(Protocol):
    id: UUID
    type: str
    data: dict[str, Any]


class OwnerUnavailable(ProblemError):
    """The service that owns a referenced record could not be asked: nothing was written."""

    status, slug, title = 503, "owner-unavailable", "Service Unavailable"


def copy_table(name: str, metadata: MetaData, *columns: Column[Any]) -> Table:
    """A copy's table: the owner's id, the copied columns, a tombstone and the copied version."""
    return Table(
        name,
        metadata,
        Column("id", UuidType, primary_key=True),
        *columns,
        Column("deleted", Boolean, nullable=False, default=False),
        Column("version", Integer, nullable=False, default=0),
        Column("synced_at", UTCDateTime(), nullable=False),
    )


def inbound_table(metadata: MetaData) -> Table:
    """Which records of other services refer to which of ours (one row per reference)."""
    return Table(
        "inbound_references",
        metadata,
        Column("kind", String(60), primary_key=True),
        Column("referrer_id", UuidType, primary_key=True),
        Column("target_id", UuidType, nullable=False, index=True),
    )


@dataclass(frozen=True)
class Copy:
    """Rows of `table` follow the owner's events: `upserts` carry the whole record in `data`
    (its `id` and the copied fields), `deletes` leave a tombstone."""

    table: Table
    upserts: frozenset[str]
    deletes: frozenset[str]

    @property
    def types(self) -> frozenset[str]:
        return self.upserts | self.deletes

    @property
    def fields(self) -> list[str]:
        return [c.key for c in self.table.c if c.key not in _BOOKKEEPING]

    async def apply(self, session: AsyncSession, event: FeedEvent) -> None:
        data = event.data
        row = {"id": UUID(str(data["id"])), "synced_at": datetime.now(UTC)}
        if event.type in self.deletes:
            row |= {"deleted": True}
        else:
            row |= {f: data.get(f) for f in self.fields} | {"deleted": False}
        row["version"] = int(data.get("version") or 0)
        await self.write(session, row)

    async def write(self, session: AsyncSession, row: dict[str, Any]) -> None:
        """Insert or overwrite one copied row (a later version never goes back to an earlier)."""
        stmt = dialect_insert(session, self.table).values(**row)
        changed = {k: stmt.excluded[k] for k in row if k != "id"}
        newer = self.table.c.version <= stmt.excluded.version
        await session.execute(
            stmt.on_conflict_do_update(index_elements=["id"], set_=changed, where=newer)
        )

    async def reset(self, session: AsyncSession) -> None:
        await session.execute(delete(self.table))

    async def get(self, session: AsyncSession, id_: UUID) -> Mapping[str, Any] | None:
        row = await session.execute(select(self.table).where(self.table.c.id == id_))
        found = row.mappings().first()
        return None if found is None else dict(found)


@dataclass(frozen=True)
class Inbound:
    """References to our records held by another service's records of one kind (`label`, e.g.
    "dealers"), kept from that service's events: `field` of `data` names our record."""

    table: Table
    label: str
    field: str
    upserts: frozenset[str]
    deletes: frozenset[str]

    @property
    def types(self) -> frozenset[str]:
        return self.upserts | self.deletes

    @property
    def kind(self) -> str:
        return f"{self.label}.{self.field}"

    async def apply(self, session: AsyncSession, event: FeedEvent) -> None:
        referrer = UUID(str(event.data["id"]))
        target = event.data.get(self.field) if event.type in self.upserts else None
        key = (self.table.c.kind == self.kind) & (self.table.c.referrer_id == referrer)
        if target is None:
            await session.execute(delete(self.table).where(key))
            return
        row = {"kind": self.kind, "referrer_id": referrer, "target_id": UUID(str(target))}
        stmt = dialect_insert(session, self.table).values(**row)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["kind", "referrer_id"], set_={"target_id": stmt.excluded.target_id}
            )
        )

    async def reset(self, session: AsyncSession) -> None:
        await session.execute(delete(self.table).where(self.table.c.kind == self.kind))


Projection = Copy | Inbound


async def apply_event(
    projections: Iterable[Projection], session: AsyncSession, event: FeedEvent
) -> None:
    """The consumer's handler: each projection interested in the event's type applies it."""
    for projection in projections:
        if event.type in projection.types:
            await projection.apply(session, event)


async def refuse_if_referenced(
    session: AsyncSession, table: Table, target_id: UUID, what: str
) -> None:
    """409 naming who still refers to the record and how many, e.g. "3 dealers (by region_id)";
    `references` counts them by `<label>.<field>`."""
    c = table.c
    stmt = (
        select(c.kind, func.count())
        .where(c.target_id == target_id)
        .group_by(c.kind)
        .order_by(c.kind)
    )
    counts = {kind: n for kind, n in (await session.execute(stmt)).all()}
    if counts:
        named = ", ".join(f"{n} {_label(kind)}" for kind, n in counts.items())
        raise Conflict(f"{what} is still referenced: {named}.", references=counts)


def _label(kind: str) -> str:
    label, _, field = kind.partition(".")
    return f"{label} (by {field})"


Fetch = Callable[[UUID], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True)
class Reference:
    """A reference to a record another service owns, checked against the local copy. When the
    copy hasn't seen the id yet, `fetch` (one bounded read of the owner) decides: the record is
    then copied; an owner that can't be reached is a 503 naming it."""

    copy: Copy
    owner: str
    fetch: Fetch

    async def check(self, session: AsyncSession, id_: UUID, pointer: str) -> Mapping[str, Any]:
        row = await self.copy.get(session, id_)
        if row is None:
            row = await self._ask_owner(session, id_)
        if row is None:
            raise field_error(pointer, f"no {self.owner} record has this id")
        if row["deleted"]:
            raise field_error(pointer, f"the {self.owner} record with this id was deleted")
        return row

    async def _ask_owner(self, session: AsyncSession, id_: UUID) -> Mapping[str, Any] | None:
        try:
            found = await self.fetch(id_)
        except Exception as exc:  # any failure to ask is the owner's unavailability
            raise OwnerUnavailable(
                f"The {self.owner} service could not be asked about {id_}; nothing was written. "
                "Try again shortly.",
                service=self.owner,
            ) from exc
        if found is None:
            return None
        row = {f: found.get(f) for f in self.copy.fields}
        row |= {"id": id_, "deleted": False, "version": int(found.get("version") or 0)}
        await self.copy.write(session, row | {"synced_at": datetime.now(UTC)})
        return row


class OwnerReader:
    """`Reference.fetch` over HTTP: one read of `path` (with `{id}`) on the owner service,
    signed as this service, bounded by `timeout` seconds. 200 is the record, 404 is none;
    anything else (including no URL or key configured) is the owner's unavailability."""

    def __init__(
        self,
        settings: BaseServiceSettings,
        owner: str,
        path: str,
        *,
        timeout: float = 2.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings, self.owner, self.path = settings, owner, path
        self.timeout, self.transport = timeout, transport
        self._signer: PeerSigner | None = None

    def _token(self) -> str:
        if self._signer is None:
            key = self.settings.signing_key(self.settings.service_name)
            if key is None:
                raise RuntimeError("service_private_key is needed to ask other services")
            self._signer = PeerSigner(key, self.settings.service_name)
        return self._signer.token(self.owner)

    async def __call__(self, id_: UUID) -> Mapping[str, Any] | None:
        base = self.settings.peer_urls.get(self.owner)
        if base is None:
            raise RuntimeError(f"no URL for {self.owner} in peer_urls")
        headers = {"Authorization": f"Bearer {self._token()}"}
        async with httpx.AsyncClient(
            base_url=base, timeout=self.timeout, transport=self.transport
        ) as client:
            r = await client.get(self.path.format(id=id_), headers=headers)
        if r.status_code == 404:
            return None
        r.raise_for_status()
        found: dict[str, Any] = r.json()
        return found
