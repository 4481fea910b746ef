"""The gateway: the one public door in front of the regions, dealers and advisors services."""
