"""API clients and their keys: `/v1/api-clients` (admin scope)."""
