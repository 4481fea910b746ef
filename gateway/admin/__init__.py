"""The gateway's own API: API clients and their keys, and the audit log (admin scope only)."""
