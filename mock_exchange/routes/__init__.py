"""Bitget API endpoints, one module per area; ENDPOINTS lists them all."""

from __future__ import annotations

from ..endpoint import Endpoint
from . import mix, public, spot_account, spot_market

ENDPOINTS: tuple[Endpoint, ...] = (
    *public.ENDPOINTS,
    *spot_market.ENDPOINTS,
    *spot_account.ENDPOINTS,
    *mix.ENDPOINTS,
)

__all__ = ["ENDPOINTS"]
