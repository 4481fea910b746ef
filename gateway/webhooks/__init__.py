"""Webhooks: the dispatcher reads each service's event feed (`feeds`), records a delivery for
every active endpoint whose API client may see the event, and posts due deliveries (`delivery`)
signed per Standard Webhooks (`signing`), only to public addresses in production (`targets`),
retrying with exponential backoff until dead."""
