"""Request and response models for `/v1/budgets`, spend entries and the cost-to-sales report."""

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import (
    Id,
    Money,
    MoneyOut,
    PastDate,
    Period,
    RequestModel,
    ResponseModel,
    Text,
)
from services.regions.fields import Category, RatioOut
from services.regions.models import BudgetCategory


class BudgetCreate(RequestModel):
    region_id: Id
    period: Period
    category: Category
    amount: Money


class BudgetUpdate(RequestModel):
    amount: Money | None = None


class BudgetPublic(ResponseModel):
    id: UUID
    region_id: UUID
    period: str
    category: BudgetCategory
    amount: MoneyOut
    spent: MoneyOut
    remaining: MoneyOut = Field(description="amount − spent; negative when overspent")
    version: int
    created_at: datetime
    updated_at: datetime


BudgetPage = Page[BudgetPublic]


class SpendCreate(RequestModel):
    spent_on: PastDate = Field(description="A day in the budget's month, today or before")
    amount: Money
    note: Text | None = None


class SpendPublic(ResponseModel):
    id: UUID
    budget_id: UUID
    spent_on: date
    amount: MoneyOut
    note: str | None
    actor: str
    created_at: datetime


SpendPage = Page[SpendPublic]


class CostToSales(ResponseModel):
    region_id: UUID
    region_code: str
    region_name: str
    budget: MoneyOut
    spend: MoneyOut
    sales: MoneyOut = Field(description="Actual sales amount (`/v1/targets/actuals`)")
    cost_to_sales: RatioOut | None = Field(description="spend ÷ sales; null without sales")


class CategoryFigures(ResponseModel):
    category: BudgetCategory
    budget: MoneyOut
    spend: MoneyOut


class CostToSalesReport(CostToSales):
    period: str
    first_month: str
    last_month: str
    by_category: list[CategoryFigures]
    children: list[CostToSales]
