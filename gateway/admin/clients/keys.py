"""An API client's keys: issued (rotation: older keys expire after an overlap), listed without
their secrets, revoked at once."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import new_id
from chassis.errors import NotFound
from gateway.admin.clients.schemas import ApiKeyPublic, IssuedKey
from gateway.keys import PREFIX, new_key, overlap_until
from gateway.models import api_keys


async def issue_key(
    session: AsyncSession, client_id: UUID, *, overlap_seconds: int | None
) -> IssuedKey:
    """A new key; the client's older live keys expire after the overlap (rotation)."""
    if overlap_seconds is not None:
        await session.execute(
            update(api_keys)
            .where(
                api_keys.c.client_id == client_id,
                api_keys.c.revoked_at.is_(None),
                api_keys.c.expires_at.is_(None)
                | (api_keys.c.expires_at > overlap_until(overlap_seconds)),
            )
            .values(expires_at=overlap_until(overlap_seconds))
        )
    key = new_key()
    key_id = new_id()
    created = datetime.now(UTC)
    await session.execute(
        insert(api_keys).values(
            id=key_id,
            client_id=client_id,
            lookup=key.lookup,
            key_hash=key.key_hash,
            created_at=created,
        )
    )
    return IssuedKey(
        id=key_id,
        prefix=f"{PREFIX}{key.lookup}",
        created_at=created,
        expires_at=None,
        revoked_at=None,
        key=key.key,
    )


async def list_keys(session: AsyncSession, client_id: UUID) -> list[ApiKeyPublic]:
    rows = (
        await session.execute(
            select(api_keys)
            .where(api_keys.c.client_id == client_id)
            .order_by(api_keys.c.created_at)
        )
    ).mappings()
    return [
        ApiKeyPublic(
            id=r["id"],
            prefix=f"{PREFIX}{r['lookup']}",
            created_at=r["created_at"],
            expires_at=r["expires_at"],
            revoked_at=r["revoked_at"],
        )
        for r in rows
    ]


async def revoke_key(session: AsyncSession, client_id: UUID, key_id: UUID) -> None:
    result = await session.execute(
        update(api_keys)
        .where(
            api_keys.c.id == key_id,
            api_keys.c.client_id == client_id,
            api_keys.c.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC))
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound(f"API key {key_id} of client {client_id} does not exist or is revoked.")
