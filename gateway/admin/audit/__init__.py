"""The audit log as admins read it: `/v1/audit-events`."""
