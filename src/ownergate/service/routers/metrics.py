"""``GET /metrics``: Prometheus text format."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

router = APIRouter(tags=["service"])


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    """Check counts and latency histograms per decision, the table's age and size."""
    service = request.app.state.service
    text = service.metrics.render(service.gauges())
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")
