"""Rules and queries of products: the manufacturer's catalogue, readable by partners, written by
staff and ERP only."""

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from chassis.bulk import Batch, upsert_by_key, written_events
from chassis.errors import Forbidden
from chassis.identity import Principal
from chassis.outbox import emit, emit_many
from chassis.queries import apply_changes, get_or_404, no_nulls, page
from services.dealers.fields import quantize
from services.dealers.models import Product, tables
from services.dealers.products.schemas import ProductCreate, ProductPublic, ProductUpdate
from services.dealers.unique import check_unique, reject_taken

_REQUIRED = ("name", "unit", "pack_size", "list_price")


def authorize_write(caller: Principal) -> None:
    if caller.is_partner:
        raise Forbidden("partners cannot change the product catalogue")


async def get(session: AsyncSession, product_id: UUID) -> Product:
    return await get_or_404(session, Product, product_id, "Product")


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[Product], str | None]:
    return await page(session, Product, filters, limit=limit, cursor=cursor)


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
    await _emit(session, "product.created", product, caller)
    return product


async def update(
    session: AsyncSession, product: Product, data: ProductUpdate, *, caller: Principal
) -> Product:
    changes = _normalise(data.model_dump(exclude_unset=True))
    no_nulls(changes, _REQUIRED)
    await check_unique(session, Product, changes, product.id, ("gtin",), "product")
    apply_changes(product, changes)
    await session.flush()
    await _emit(session, "product.updated", product, caller)
    return product


async def delete(session: AsyncSession, product: Product, *, caller: Principal) -> None:
    await _emit(session, "product.deleted", product, caller)
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


async def _emit(session: AsyncSession, type: str, product: Product, caller: Principal) -> None:
    data = ProductPublic.model_validate(product).model_dump(mode="json") | {"actor": caller.subject}
    await emit(session, tables.outbox, type, data)
