"""Operational endpoints outside /v1: health and Prometheus metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from botrygt_nlp import __version__
from botrygt_nlp.service.services import Services, get_services

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: str
    version: str


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    # Liveness only: it must not load the model or open the database, so it answers while those warm up.
    return Health(status="ok", version=__version__)


@router.get("/metrics", response_class=PlainTextResponse)
# sync on purpose: the feed gauges read the database, which must happen off the event loop
def metrics(services: Annotated[Services, Depends(get_services)]) -> PlainTextResponse:
    return PlainTextResponse(services.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
