"""Every event type on `/v1/dealer-events`: what it means, when it is emitted, its `data`."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from chassis.catalogue import Catalogue, EventType, published
from chassis.types import MoneyOut
from services.dealers.conflicts.schemas import ConflictPublic
from services.dealers.dealers.schemas import DealerPublic, StageTransitionPublic
from services.dealers.models import LocationType
from services.dealers.orders.schemas import OrderPublic
from services.dealers.outlets.schemas import OutletPublic, OutletTransitionPublic
from services.dealers.payments.schemas import PaymentPublic
from services.dealers.products.schemas import ProductPublic
from services.dealers.scorecards.schemas import EvaluationPublic, TemplatePublic
from services.dealers.support.schemas import SupportActivityPublic


class StockLine(BaseModel):
    """A stock count as reported (`/v1/stock-reports/bulk`)."""

    id: UUID = Field(description="The stock report line")
    location_id: UUID = Field(description="The dealer or outlet holding the stock")
    location_type: LocationType
    dealer_id: UUID = Field(description="The dealer, or the outlet's supplying dealer")
    product_id: UUID
    as_of: datetime = Field(description="When the count was taken")
    on_hand: int
    in_transit: int


class SellOutAtLocation(BaseModel):
    """A location's stored sell-out totals for the day."""

    location_id: UUID = Field(description="The dealer or outlet that sold")
    location_type: LocationType
    region_id: UUID
    lines: int = Field(description="Sell-out lines stored for the location and day")
    quantity: int
    amount: MoneyOut


class SellOutSummary(BaseModel):
    """A dealer's sell-out for a day: every location's stored totals, not one request's lines."""

    dealer_id: UUID
    day: date
    locations: list[SellOutAtLocation]
    quantity: int = Field(description="The locations' quantities added up")
    amount: MoneyOut = Field(description="The locations' amounts added up")


REORDER_POINT = {
    "reorder_point": (
        Decimal,
        Field(description="The position's reorder point, as a decimal string"),
    )
}
ORDER_MOVE = "(POST /v1/orders/{id}/transitions); `data` is the order after the move."

TYPES = [
    EventType(
        "dealer.created",
        DealerPublic,
        "A dealer was created: by POST /v1/dealers, or by a bulk upsert for a new code.",
        dealer_scoped=True,
    ),
    EventType(
        "dealer.updated",
        DealerPublic,
        "A dealer's profile changed: by PATCH, or by a bulk upsert of a known code.",
        dealer_scoped=True,
    ),
    EventType(
        "dealer.deleted",
        DealerPublic,
        "A dealer nothing refers to was deleted; `data` is the dealer as it was.",
        dealer_scoped=True,
    ),
    EventType(
        "dealer.stage_changed",
        published(StageTransitionPublic),
        "A dealer moved to another lifecycle stage (POST /v1/dealers/{id}/transitions); `data` "
        "is the move, as its history lists it.",
        dealer_scoped=True,
        actor=False,
    ),
    EventType(
        "outlet.created",
        OutletPublic,
        "An outlet was created: by POST /v1/outlets, or by a bulk upsert for a new code.",
        dealer_scoped=True,
    ),
    EventType(
        "outlet.updated",
        OutletPublic,
        "An outlet changed: by PATCH, or by a bulk upsert of a known code (which may also hand "
        "it to another supplying dealer; `dealer_ids` names the new one).",
        dealer_scoped=True,
    ),
    EventType(
        "outlet.deleted",
        OutletPublic,
        "An outlet was deleted; `data` is the outlet as it was.",
        dealer_scoped=True,
    ),
    EventType(
        "outlet.moved",
        published(OutletTransitionPublic),
        "An outlet was handed to another supplying dealer (POST /v1/outlets/{id}/transitions); "
        "`data` is the move, as its history lists it; `dealer_ids` names both dealers.",
        dealer_scoped=True,
        actor=False,
    ),
    EventType(
        "product.created",
        ProductPublic,
        "A product was created: by POST /v1/products, or by a bulk upsert for a new code.",
    ),
    EventType(
        "product.updated",
        ProductPublic,
        "A product changed: by PATCH, or by a bulk upsert of a known code.",
    ),
    EventType(
        "product.deleted",
        ProductPublic,
        "A product was deleted; `data` is the product as it was.",
    ),
    EventType(
        "support_activity.created",
        SupportActivityPublic,
        "A support activity for a dealer (one of the four flows) was logged.",
        dealer_scoped=True,
    ),
    EventType(
        "support_activity.updated",
        SupportActivityPublic,
        "A support activity changed.",
        dealer_scoped=True,
    ),
    EventType(
        "support_activity.deleted",
        SupportActivityPublic,
        "A support activity was deleted; `data` is the activity as it was.",
        dealer_scoped=True,
    ),
    EventType(
        "scorecard_template.created",
        TemplatePublic,
        "A scorecard template (weighted factors) was created.",
        actor=False,
    ),
    EventType(
        "scorecard_template.updated",
        TemplatePublic,
        "A scorecard template's name or factors changed.",
        actor=False,
    ),
    EventType(
        "scorecard_evaluation.created",
        EvaluationPublic,
        "A dealer was evaluated on a template for a period (`evaluator` says by whom).",
        dealer_scoped=True,
        actor=False,
    ),
    EventType(
        "scorecard_evaluation.deleted",
        EvaluationPublic,
        "A scorecard evaluation was deleted; `data` is the evaluation as it was.",
        dealer_scoped=True,
        actor=False,
    ),
    EventType(
        "conflict.created",
        ConflictPublic,
        "A channel conflict between dealers or outlets was reported; `dealer_ids` names the "
        "parties' dealers.",
        dealer_scoped=True,
    ),
    EventType(
        "conflict.updated",
        ConflictPublic,
        "A channel conflict changed: its status (investigating, resolved, dismissed), "
        "resolution, penalty or description.",
        dealer_scoped=True,
    ),
    EventType(
        "stock.reported",
        StockLine,
        "A stock count was stored (`/v1/stock-reports/bulk`): one event per new line; a line "
        "repeated with the same figures emits nothing.",
        dealer_scoped=True,
        actor=False,
    ),
    EventType(
        "stock.out",
        StockLine,
        "A location's newest count of a product is 0 where the one before was not (or there "
        "was none); `data` is that count.",
        dealer_scoped=True,
        actor=False,
    ),
    EventType(
        "stock.below_reorder_point",
        StockLine,
        "A location's stock position of a product (on hand + in transit) fell to its reorder "
        "point or below; `data` is the count that took it there.",
        dealer_scoped=True,
        actor=False,
        extra=REORDER_POINT,
    ),
    EventType(
        "sell_out.summarised",
        SellOutSummary,
        "Sell-out of a dealer's locations for a day was written (`/v1/sell-out-reports/bulk`): "
        "one event per dealer and day a request touched, carrying each location's stored totals "
        "for that day, so the latest event of a dealer and day replaces the earlier ones.",
        dealer_scoped=True,
        actor=False,
    ),
    EventType(
        "order.created",
        OrderPublic,
        "An order was created as a draft (from lines, or from replenishment proposals).",
        dealer_scoped=True,
    ),
    EventType(
        "order.updated",
        OrderPublic,
        "A draft order's code, lines, payment terms or note changed (PATCH).",
        dealer_scoped=True,
    ),
    EventType(
        "order.submitted",
        OrderPublic,
        f"An order was submitted, passing the credit check {ORDER_MOVE}",
        dealer_scoped=True,
    ),
    EventType(
        "order.confirmed",
        OrderPublic,
        f"The seller (the manufacturer, or the outlet's dealer) confirmed an order {ORDER_MOVE}",
        dealer_scoped=True,
    ),
    EventType(
        "order.shipped",
        OrderPublic,
        f"An order was shipped: the seller's stock was taken {ORDER_MOVE}",
        dealer_scoped=True,
    ),
    EventType(
        "order.delivered",
        OrderPublic,
        f"An order was delivered: received into the buyer's stock, payment due {ORDER_MOVE}",
        dealer_scoped=True,
    ),
    EventType(
        "order.cancelled",
        OrderPublic,
        f"An order was cancelled before shipping {ORDER_MOVE}",
        dealer_scoped=True,
    ),
    EventType(
        "payment.received",
        PaymentPublic,
        "A payment was recorded with its allocations to orders (`created_by` says by whom).",
        dealer_scoped=True,
        actor=False,
    ),
]

CATALOGUE = Catalogue(
    service="dealers",
    title="ARS dealers service",
    feed_path="/v1/dealer-events",
    scope="dealers:read",
    types=TYPES,
)
