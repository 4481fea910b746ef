"""Request and response models for `/v1/replenishment-policies` and `-proposals`."""

from datetime import date, datetime
from statistics import NormalDist
from typing import Annotated
from uuid import UUID

from pydantic import Field, computed_field, model_validator

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, RequestModel, ResponseModel
from services.dealers.fields import Count
from services.dealers.models import OutletGrade

Days = Annotated[int, Field(ge=0, le=365)]
ServiceLevel = Annotated[float, Field(gt=0.5, lt=1, allow_inf_nan=False)]


class PolicyCreate(RequestModel):
    """Either `location_id` and `product_id`, or `outlet_grade` (the default of a grade)."""

    location_id: Id | None = Field(default=None, description="A dealer's id or an outlet's id")
    product_id: Id | None = None
    outlet_grade: Annotated[OutletGrade, Lax] | None = None
    lead_time_days: Days
    review_period_days: Days
    service_level: ServiceLevel = Field(description="Probability of no stock-out in a cycle")
    min_quantity: Count | None = Field(default=None, description="Overrides the reorder point")
    max_quantity: Count | None = Field(default=None, description="Overrides the order-up-to level")
    order_multiple: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    minimum_order_quantity: Count = 0

    @model_validator(mode="after")
    def _one_scope(self) -> "PolicyCreate":
        located = self.location_id is not None or self.product_id is not None
        if located and self.outlet_grade is not None:
            raise ValueError("give either location_id and product_id, or outlet_grade")
        if not located and self.outlet_grade is None:
            raise ValueError("give either location_id and product_id, or outlet_grade")
        if located and (self.location_id is None or self.product_id is None):
            raise ValueError("location_id and product_id go together")
        low, high = self.min_quantity, self.max_quantity
        if low is not None and high is not None and low > high:
            raise ValueError("min_quantity exceeds max_quantity")
        return self


class PolicyPublic(ResponseModel):
    id: UUID
    location_id: UUID | None
    product_id: UUID | None
    dealer_id: UUID | None
    outlet_grade: OutletGrade | None
    lead_time_days: int
    review_period_days: int
    service_level: float
    min_quantity: int | None
    max_quantity: int | None
    order_multiple: int
    minimum_order_quantity: int
    version: int
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def z(self) -> float:
        """The standard normal quantile of the service level."""
        return NormalDist().inv_cdf(self.service_level)


PolicyPage = Page[PolicyPublic]


class PolicyUpdate(RequestModel):
    """The fields to change; `null` clears `min_quantity` or `max_quantity`. The scope (location
    and product, or outlet grade) is fixed: delete the policy and create another instead."""

    lead_time_days: Days | None = None
    review_period_days: Days | None = None
    service_level: ServiceLevel | None = Field(default=None, description="Probability")
    min_quantity: Count | None = Field(default=None, description="Overrides the reorder point")
    max_quantity: Count | None = Field(default=None, description="Overrides the order-up-to level")
    order_multiple: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    minimum_order_quantity: Count | None = None


class ComputeRequest(RequestModel):
    """The scope: any of a dealer, an outlet, a region, a product (at least one)."""

    dealer_id: Id | None = None
    outlet_id: Id | None = None
    region_id: Id | None = None
    product_id: Id | None = None
    as_of: Date | None = Field(default=None, description="Last day of the window; today (UTC)")
    window_days: Annotated[int, Field(ge=1, le=365)] = 28

    @model_validator(mode="after")
    def _scoped(self) -> "ComputeRequest":
        if not any((self.dealer_id, self.outlet_id, self.region_id, self.product_id)):
            raise ValueError("give a dealer_id, outlet_id, region_id or product_id")
        return self


class ProposalPublic(ResponseModel):
    id: UUID
    computation_id: UUID
    computed_at: datetime
    location_id: UUID
    location_type: str
    dealer_id: UUID
    region_id: UUID
    product_id: UUID
    as_of: date
    window_days: int
    policy_id: UUID | None
    policy_source: str = Field(description="location, grade or built-in default")
    lead_time_days: int
    review_period_days: int
    service_level: float
    z: float
    min_quantity: int | None
    max_quantity: int | None
    order_multiple: int
    minimum_order_quantity: int
    mean_daily_demand: float
    demand_std_dev: float
    on_hand: int
    in_transit: int
    open_orders: int
    inventory_position: int
    safety_stock: float
    reorder_point: float
    order_up_to: float
    reorder: bool
    proposed_quantity: int
    days_of_cover: float | None
    stock_out: bool


ProposalPage = Page[ProposalPublic]


class ComputeResult(ResponseModel):
    """The counts of a computation and its first page of proposals (location × product order);
    `next_cursor` continues in `GET /v1/replenishment-proposals?computation_id=…&cursor=…`."""

    computation_id: UUID
    as_of: date
    window_days: int
    pairs: int = Field(description="Proposals computed: location × product pairs in scope")
    reorder: int = Field(description="Pairs whose inventory position is at or below the ROP")
    stock_out: int = Field(description="Pairs with nothing on hand and demand")
    items: list[ProposalPublic]
    next_cursor: str | None
