"""HTTP routers: enforcement (documented here, answered by the gateway layer), metrics, admin."""
