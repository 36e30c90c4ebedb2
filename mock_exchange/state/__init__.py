"""Bitget V2 state: accounts, keys, market, orders. Knows nothing of HTTP."""
