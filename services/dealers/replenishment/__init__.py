"""Replenishment policies and the proposals computed from stock, sell-out and policy."""
