"""HTTP routes of `/v1/network-analytics`: read-only reports over the outlet network."""

from typing import Annotated
from uuid import UUID

from fastapi import Query

from chassis.db import SessionDep
from chassis.types import PERIOD_RE
from services.dealers.analytics import service
from services.dealers.analytics.schemas import (
    ConcentrationReport,
    DealerMixReport,
    GroupBy,
    OutletFlowReport,
    OutletMixReport,
)
from services.dealers.deps import Reader, make_router

router = make_router("/v1/network-analytics", "network-analytics")
PeriodQuery = Annotated[str | None, Query(pattern=PERIOD_RE, description="YYYY-MM")]


@router.get(
    "/outlets",
    response_model=OutletMixReport,
    summary="Outlets by status, grade and type, per region or per dealer",
    operation_id="network_analytics_outlets",
)
async def outlets(
    session: SessionDep,
    caller: Reader,
    group_by: GroupBy = GroupBy.region,
    region_id: UUID | None = None,
    dealer_id: UUID | None = None,
) -> OutletMixReport:
    items = await service.outlet_mix(
        session, caller=caller, group_by=group_by, region_id=region_id, dealer_id=dealer_id
    )
    return OutletMixReport(group_by=group_by, items=items)


@router.get(
    "/outlet-flow",
    response_model=OutletFlowReport,
    summary="New and closed outlets per month, per region or per dealer",
    operation_id="network_analytics_outlet_flow",
)
async def outlet_flow(
    session: SessionDep,
    caller: Reader,
    group_by: GroupBy = GroupBy.region,
    region_id: UUID | None = None,
    dealer_id: UUID | None = None,
    period_from: PeriodQuery = None,
    period_to: PeriodQuery = None,
) -> OutletFlowReport:
    items = await service.outlet_flow(
        session,
        caller=caller,
        group_by=group_by,
        region_id=region_id,
        dealer_id=dealer_id,
        period_from=period_from,
        period_to=period_to,
    )
    return OutletFlowReport(group_by=group_by, items=items)


@router.get(
    "/concentration",
    response_model=ConcentrationReport,
    summary="Outlets per supplying dealer and each dealer's share",
    operation_id="network_analytics_concentration",
)
async def concentration(
    session: SessionDep,
    caller: Reader,
    region_id: UUID | None = None,
    active_only: bool = False,
) -> ConcentrationReport:
    total, items = await service.concentration(
        session, caller=caller, region_id=region_id, active_only=active_only
    )
    return ConcentrationReport(outlets=total, items=items)


@router.get(
    "/dealers",
    response_model=DealerMixReport,
    summary="Dealers by lifecycle stage and tier, per region",
    operation_id="network_analytics_dealers",
)
async def dealers(
    session: SessionDep, caller: Reader, region_id: UUID | None = None
) -> DealerMixReport:
    return DealerMixReport(
        items=await service.dealer_mix(session, caller=caller, region_id=region_id)
    )
