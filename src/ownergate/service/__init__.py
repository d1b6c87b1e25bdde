"""The HTTP service: app factory, routers and gateway adapters."""
