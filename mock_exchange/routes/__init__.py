"""Bitget API endpoints, one module per area; ENDPOINTS lists them all (docs/adding-an-endpoint.md)."""

from __future__ import annotations

from ..endpoint import Endpoint
from ..ratelimit.limits import Limit
from . import (
    common,
    mix,
    mix_account,
    mix_market,
    mix_order,
    mix_plan,
    mix_position,
    public,
    spot_account,
    spot_market,
    spot_orders,
    spot_plans,
    spot_trade,
    wallet,
)

ENDPOINTS: tuple[Endpoint, ...] = (
    *public.ENDPOINTS,
    *spot_market.ENDPOINTS,
    *spot_account.ENDPOINTS,
    *mix.ENDPOINTS,
    *mix_market.ENDPOINTS,
    *spot_trade.ENDPOINTS,
    *spot_orders.ENDPOINTS,
    *spot_plans.ENDPOINTS,
    *wallet.ENDPOINTS,
    *mix_account.ENDPOINTS,
    *mix_order.ENDPOINTS,
    *mix_plan.ENDPOINTS,
    *mix_position.ENDPOINTS,
    *common.ENDPOINTS,
)



def endpoint_limits() -> dict[str, Limit]:
    """Bitget's rate-limit table as the declarations give it: path -> limit."""
    return {ep.path: ep.limit for ep in ENDPOINTS}


__all__ = ["ENDPOINTS", "endpoint_limits"]
