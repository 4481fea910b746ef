"""Sell-out: quantity and amount sold per location, product and day."""
