"""Every coin movement of the mock in one place: freezes, trades against the market, fees, withdrawals.

The synthetic market is the counterparty of every trade, so conservation holds per coin as

    sum of all wallets (available + frozen) + fees + withdrawn + market_flows == what was seeded

where `market_flows` is what the market took in (positive) or paid out (negative).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..errors import BitgetError
from .accounts import Account, Balance


class Ledger:
    def __init__(self) -> None:
        self.fees: defaultdict[str, Decimal] = defaultdict(Decimal)
        self.market_flows: defaultdict[str, Decimal] = defaultdict(Decimal)
        self.withdrawn: defaultdict[str, Decimal] = defaultdict(Decimal)

    @staticmethod
    def require(balance: Balance, amount: Decimal) -> None:
        if balance.available < amount:
            raise BitgetError("43012")

    @staticmethod
    def freeze(balance: Balance, amount: Decimal, now_ms: int) -> None:
        Ledger.require(balance, amount)
        balance.available -= amount
        balance.frozen += amount
        balance.utime = now_ms

    @staticmethod
    def unfreeze(balance: Balance, amount: Decimal, now_ms: int) -> None:
        balance.frozen -= amount
        balance.available += amount
        balance.utime = now_ms

    def trade(self, account: Account, base: str, quote: str, is_buy: bool, price: Decimal, qty: Decimal,
              released: Decimal, fee_rate: Decimal, now_ms: int) -> Decimal:
        """Settle one fill with the market; `released` is what the fill takes out of the order's
        freeze (quote for buys, base for sells). Returns the fee, charged from the coin received."""
        cost = price * qty
        b, q = account.balance(base), account.balance(quote)
        if is_buy:
            fee = qty * fee_rate
            q.frozen -= released
            q.available += released - cost
            b.available += qty - fee
            self.fees[base] += fee
            self.market_flows[quote] += cost
            self.market_flows[base] -= qty
        else:
            fee = cost * fee_rate
            b.frozen -= released
            q.available += cost - fee
            self.fees[quote] += fee
            self.market_flows[base] += qty
            self.market_flows[quote] -= cost
        b.utime = q.utime = now_ms
        return fee

    @staticmethod
    def move(source: Balance, target: Balance, amount: Decimal, now_ms: int) -> None:
        """From one wallet's available to another's (transfers, internal withdrawals)."""
        Ledger.require(source, amount)
        source.available -= amount
        target.available += amount
        source.utime = target.utime = now_ms

    def withdraw(self, coin: str, balance: Balance, size: Decimal, now_ms: int) -> None:
        """Coins leaving the exchange: `size` includes the network fee."""
        Ledger.require(balance, size)
        balance.available -= size
        balance.utime = now_ms
        self.withdrawn[coin] += size
