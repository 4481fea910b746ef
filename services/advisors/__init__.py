"""Advisors service: customer advisors (客户顾问), their assignments, plans, visits and KPIs."""
