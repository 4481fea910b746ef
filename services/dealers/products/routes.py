"""HTTP routes of `/v1/products`: the SKU catalogue."""

from uuid import UUID

from fastapi import Response, status

from chassis.bulk import BulkRequest, BulkResult
from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.dealers.deps import IfMatch, Reader, Writer, make_router
from services.dealers.products import service
from services.dealers.products.schemas import (
    ProductCreate,
    ProductPage,
    ProductPublic,
    ProductUpdate,
)

router = make_router("/v1/products", "products")


@router.get("", response_model=ProductPage, summary="List products", operation_id="products_list")
async def list_products(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
    gtin: str | None = None,
) -> ProductPage:
    rows, next_cursor = await service.list_page(
        session, limit=limit, cursor=cursor, code=code, gtin=gtin
    )
    return ProductPage(
        items=[ProductPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "",
    response_model=ProductPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a product",
    operation_id="products_create",
    responses=problem_responses(409),
)
async def create_product(
    body: ProductCreate, session: SessionDep, caller: Writer, response: Response
) -> ProductPublic:
    product = await service.create(session, body, caller=caller)
    set_etag(response, product.version)
    response.headers["Location"] = f"/v1/products/{product.id}"
    return ProductPublic.model_validate(product)


@router.post(
    "/bulk",
    response_model=BulkResult,
    summary="Upsert up to 1,000 products by SKU code, with a result per item",
    operation_id="products_bulk",
    responses=problem_responses(409),
)
async def bulk_products(
    body: BulkRequest[ProductCreate], session: SessionDep, caller: Writer
) -> Response:
    return await service.bulk_upsert(session, body.items, caller=caller)


@router.get(
    "/{product_id}",
    response_model=ProductPublic,
    summary="Get a product",
    operation_id="products_get",
    responses=problem_responses(404),
)
async def get_product(
    product_id: UUID, session: SessionDep, caller: Reader, response: Response
) -> ProductPublic:
    product = await service.get(session, product_id)
    set_etag(response, product.version)
    return ProductPublic.model_validate(product)


@router.patch(
    "/{product_id}",
    response_model=ProductPublic,
    summary="Update a product",
    operation_id="products_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_product(
    product_id: UUID,
    body: ProductUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ProductPublic:
    service.authorize_write(caller)
    product = await service.get(session, product_id)
    check_if_match(if_match, product.version)
    product = await service.update(session, product, body, caller=caller)
    set_etag(response, product.version)
    return ProductPublic.model_validate(product)


@router.delete(
    "/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a product",
    operation_id="products_delete",
    responses=problem_responses(404, 412, 428),
)
async def delete_product(
    product_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    service.authorize_write(caller)
    product = await service.get(session, product_id)
    check_if_match(if_match, product.version)
    await service.delete(session, product, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
