"""Rules and queries of products: the manufacturer's catalogue, readable by partners, written by
staff and ERP only."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.responses import Response

from chassis.bulk import Batch, upsert_by_key, written_events
from chassis.errors import Forbidden, NotFound, field_error
from chassis.identity import Principal
from chassis.outbox import emit, emit_many
from chassis.pagination import paginate
from services.dealers.common import (
    check_unique,
    quantize,
    reject_taken,
)
from services.dealers.models import Product, tables
from services.dealers.products.schemas import ProductCreate, ProductPublic, ProductUpdate

_REQUIRED = ("name", "unit", "pack_size", "list_price")


def authorize_write(caller: Principal) -> None:
    if caller.is_partner:
        raise Forbidden("partners cannot change the product catalogue")


async def get(session: AsyncSession, product_id: UUID) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound(f"Product {product_id} does not exist.")
    return product


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    code: str | None = None,
    gtin: str | None = None,
) -> tuple[list[Product], str | None]:
    stmt = select(Product)
    if code is not None:
        stmt = stmt.where(col(Product.code) == code)
    if gtin is not None:
        stmt = stmt.where(col(Product.gtin) == gtin)
    return await paginate(session, stmt, col(Product.id), limit=limit, cursor=cursor)


def _normalise(changes: dict[str, Any]) -> dict[str, Any]:
    if "list_price" in changes:
        changes["list_price"] = quantize(changes["list_price"])
    return changes


async def create(session: AsyncSession, data: ProductCreate, *, caller: Principal) -> Product:
    authorize_write(caller)
    changes = _normalise(data.model_dump())
    await check_unique(session, Product, changes, None, ("code", "gtin"), "product")
    product = Product(**changes)
    session.add(product)
    await session.flush()
    await _emit(session, "product.created", product, caller.subject)
    return product


async def update(
    session: AsyncSession, product: Product, data: ProductUpdate, *, caller: Principal
) -> Product:
    changes = _normalise(data.model_dump(exclude_unset=True))
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")
    await check_unique(session, Product, changes, product.id, ("gtin",), "product")
    for name, value in changes.items():
        setattr(product, name, value)
    product.updated_at = datetime.now(UTC)
    await session.flush()
    await _emit(session, "product.updated", product, caller.subject)
    return product


async def delete(session: AsyncSession, product: Product, *, caller: Principal) -> None:
    await _emit(session, "product.deleted", product, caller.subject)
    await session.delete(product)
    await session.flush()


async def bulk_upsert(
    session: AsyncSession, raw: list[dict[str, Any]], *, caller: Principal
) -> Response:
    authorize_write(caller)
    batch = Batch(raw, ProductCreate)
    batch.first_by_key("code")
    await reject_taken(session, batch, Product, "gtin", "product")
    batch.first_by_key("gtin")
    indices = [i for i, _ in batch.valid]
    rows = [_normalise(item.model_dump()) for _, item in batch.valid]
    omitted = [Batch.omitted(item) for _, item in batch.valid]
    table = Product.__table__  # type: ignore[attr-defined]
    written = await upsert_by_key(session, table, rows, omitted=omitted)
    events = await written_events(
        session, table, ProductPublic, written, prefix="product", actor=caller.subject
    )
    await emit_many(session, tables.outbox, events)
    return batch.response(dict(zip(indices, written, strict=True)))


async def _emit(session: AsyncSession, type: str, product: Product, actor: str) -> None:
    data = ProductPublic.model_validate(product).model_dump(mode="json") | {"actor": actor}
    await emit(session, tables.outbox, type, data)
