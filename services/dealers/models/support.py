"""Support activities (全方位服务支持): the typed log of service to a dealer across four flows."""

from datetime import date
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Column, Date, ForeignKey, String, Text, Uuid
from sqlmodel import Field

from chassis.records import VersionedRecord
from services.dealers.models.base import Base


class Flow(StrEnum):
    commercial = "commercial"  # 商流
    information = "information"  # 信息流
    logistics = "logistics"  # 物流
    capital = "capital"  # 资金流


ACTIVITY_TYPES: dict[Flow, tuple[str, ...]] = {
    Flow.commercial: (
        "pricing",
        "ordering",
        "risk_sharing",
        "promotion",
        "advertising",
        "after_sales_service",
        "network_improvement",
        "staff_training",
    ),
    Flow.information: ("market_research", "feedback", "market_information_sharing"),
    Flow.logistics: (
        "forecast_coaching",
        "order_process_improvement",
        "inventory_management_guidance",  # 进销存
        "delivery_optimisation",
    ),
    Flow.capital: (
        "settlement_support",
        "cost_control",
        "cash_flow_management",
        "financial_planning",
        "receivables_management",
    ),
}

ActivityType = StrEnum(  # type: ignore[misc]
    "ActivityType", [(t, t) for types in ACTIVITY_TYPES.values() for t in types]
)


class SupportActivity(Base, VersionedRecord, table=True):
    __tablename__ = "support_activities"

    dealer_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("dealers.id"), nullable=False, index=True)
    )
    flow: str = Field(sa_type=String(20), nullable=False, index=True)
    activity_type: str = Field(sa_type=String(40), nullable=False)
    activity_on: date = Field(sa_type=Date, nullable=False, index=True)
    advisor_id: UUID | None = Field(default=None, index=True)
    description: str = Field(sa_type=Text, nullable=False)
    outcome: str | None = Field(default=None, sa_type=Text)
