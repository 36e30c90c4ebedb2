"""Constants the state shares: time units, the zero amount, the account types, how long history is kept."""

from __future__ import annotations

from decimal import Decimal

DAY_MS = 86_400_000
ZERO = Decimal(0)
# Bitget's account types, as transfers and balances name them (Wallet-Transfer's fromType / toType)
ACCOUNT_TYPES = ("spot", "p2p", "coin_futures", "usdt_futures", "usdc_futures", "crossed_margin", "isolated_margin")
RETENTION_MS = 90 * DAY_MS  # account records (bills, transfers, orders) are kept 90 days, as Bitget's queries reach
