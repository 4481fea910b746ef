"""Webhook endpoints and their delivery log: `/v1/webhook-endpoints`, `/v1/webhook-deliveries`."""
