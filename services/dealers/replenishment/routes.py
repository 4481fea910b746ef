"""HTTP routes of `/v1/replenishment-policies` and `/v1/replenishment-proposals`."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.dealers.deps import IfMatch, Reader, Reporter, Writer, make_router
from services.dealers.models import OutletGrade
from services.dealers.replenishment import policies as policy_rules
from services.dealers.replenishment import service
from services.dealers.replenishment.schemas import (
    ComputeRequest,
    ComputeResult,
    PolicyCreate,
    PolicyPage,
    PolicyPublic,
    PolicyUpdate,
    ProposalPage,
    ProposalPublic,
)

policies = make_router("/v1/replenishment-policies", "replenishment")
proposals = make_router("/v1/replenishment-proposals", "replenishment")


@policies.get(
    "",
    response_model=PolicyPage,
    summary="List replenishment policies",
    operation_id="replenishment_policies_list",
)
async def list_policies(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    dealer_id: UUID | None = None,
    location_id: UUID | None = None,
    product_id: UUID | None = None,
    outlet_grade: OutletGrade | None = None,
) -> PolicyPage:
    rows, next_cursor = await policy_rules.list_policies(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        dealer_id=dealer_id,
        location_id=location_id,
        product_id=product_id,
        outlet_grade=outlet_grade,
    )
    return PolicyPage(items=[PolicyPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@policies.post(
    "",
    response_model=PolicyPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Set the policy of a location and product, or the default of an outlet grade",
    operation_id="replenishment_policies_create",
    responses=problem_responses(409),
)
async def create_policy(
    body: PolicyCreate, session: SessionDep, caller: Writer, response: Response
) -> PolicyPublic:
    policy = await policy_rules.create_policy(session, body, caller=caller)
    set_etag(response, policy.version)
    response.headers["Location"] = f"/v1/replenishment-policies/{policy.id}"
    return PolicyPublic.model_validate(policy)


@policies.get(
    "/{policy_id}",
    response_model=PolicyPublic,
    summary="Get a replenishment policy",
    operation_id="replenishment_policies_get",
    responses=problem_responses(404),
)
async def get_policy(
    policy_id: UUID, session: SessionDep, caller: Reader, response: Response
) -> PolicyPublic:
    policy = await policy_rules.get_policy(session, policy_id, caller=caller)
    set_etag(response, policy.version)
    return PolicyPublic.model_validate(policy)


@policies.patch(
    "/{policy_id}",
    response_model=PolicyPublic,
    summary="Change a replenishment policy (If-Match required)",
    operation_id="replenishment_policies_update",
    responses=problem_responses(403, 404, 412, 428),
)
async def update_policy(
    policy_id: UUID,
    body: PolicyUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> PolicyPublic:
    policy = await policy_rules.get_policy(session, policy_id, caller=caller)
    policy_rules.authorize_change(policy, caller)
    check_if_match(if_match, policy.version)
    policy = await policy_rules.update_policy(session, policy, body)
    set_etag(response, policy.version)
    return PolicyPublic.model_validate(policy)


@policies.delete(
    "/{policy_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a replenishment policy",
    operation_id="replenishment_policies_delete",
    responses=problem_responses(403, 404, 412, 428),
)
async def delete_policy(
    policy_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    policy = await policy_rules.get_policy(session, policy_id, caller=caller)
    policy_rules.authorize_change(policy, caller)
    check_if_match(if_match, policy.version)
    await policy_rules.delete_policy(session, policy)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@proposals.post(
    "/compute",
    response_model=ComputeResult,
    summary="Compute and store proposals for a dealer, an outlet, a region or a product",
    description=(
        "Answers the computation's counts and its first `limit` proposals in location × product"
        " order; `next_cursor` continues in `GET /v1/replenishment-proposals` with the same"
        " `computation_id`."
    ),
    operation_id="replenishment_proposals_compute",
)
async def compute(
    body: ComputeRequest, session: SessionDep, caller: Reporter, limit: Limit = 50
) -> ComputeResult:
    done = await service.compute(session, body, caller=caller)
    rows, next_cursor = await service.list_proposals(
        session,
        caller=caller,
        limit=limit,
        cursor=service.before_first(done.computation_id),
        computation_id=done.computation_id,
    )
    return ComputeResult(
        computation_id=done.computation_id,
        as_of=done.as_of,
        window_days=done.window_days,
        pairs=done.pairs,
        reorder=done.reorder,
        stock_out=done.stock_out,
        items=[ProposalPublic.model_validate(r) for r in rows],
        next_cursor=next_cursor,
    )


@proposals.get(
    "",
    response_model=ProposalPage,
    summary="List stored replenishment proposals",
    operation_id="replenishment_proposals_list",
)
async def list_proposals(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    computation_id: UUID | None = None,
    dealer_id: UUID | None = None,
    region_id: UUID | None = None,
    location_id: UUID | None = None,
    product_id: UUID | None = None,
    reorder: bool | None = None,
    stock_out: bool | None = None,
) -> ProposalPage:
    rows, next_cursor = await service.list_proposals(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        computation_id=computation_id,
        dealer_id=dealer_id,
        region_id=region_id,
        location_id=location_id,
        product_id=product_id,
        reorder=reorder,
        stock_out=stock_out,
    )
    return ProposalPage(
        items=[ProposalPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )
