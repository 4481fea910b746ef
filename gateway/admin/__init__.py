"""The gateway's own API: API clients and their keys and the audit log (admin scope), webhook
endpoints and deliveries (admin, or an API client's own with `webhooks:manage`)."""
