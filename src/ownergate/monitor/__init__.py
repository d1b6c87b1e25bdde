"""Re-decision on change, outbox and webhooks."""
