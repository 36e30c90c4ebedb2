"""Bitget API endpoints, one module per area; ENDPOINTS lists them all."""

from __future__ import annotations

from ..endpoint import Endpoint
from . import common, mix, mix_account, public, spot_account, spot_market, spot_orders, spot_trade, wallet

ENDPOINTS: tuple[Endpoint, ...] = (
    *public.ENDPOINTS,
    *spot_market.ENDPOINTS,
    *spot_account.ENDPOINTS,
    *mix.ENDPOINTS,
    *spot_trade.ENDPOINTS,
    *spot_orders.ENDPOINTS,
    *wallet.ENDPOINTS,
    *mix_account.ENDPOINTS,
    *common.ENDPOINTS,
)

__all__ = ["ENDPOINTS"]
