"""Every coin movement of the mock in one place: freezes, trades against the market, fees, withdrawals,
deposits, and the spot bills (account statement) that record them.

The synthetic market is the counterparty of every trade, so conservation holds per coin as

    sum of all wallets (available + frozen) + fees + withdrawn + market_flows - deposited == what was seeded

where `market_flows` is what the market took in (positive) or paid out (negative), and `deposited` what
came in from outside (simulated deposits).
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from ..errors import INSUFFICIENT_BALANCE, BitgetError
from .accounts import Account, Balance
from .constants import RETENTION_MS, ZERO
from .events import BalanceChanged, Events
from .orders import AppendLog, IdSequence
from .records import Bill, newest_page


class Ledger:
    def __init__(self, bill_ids: IdSequence | None = None, max_bills: int = 100_000,
                 retention_ms: int = RETENTION_MS, events: Events | None = None) -> None:
        self.events = events if events is not None else Events()
        self.fees: defaultdict[str, Decimal] = defaultdict(Decimal)
        self.market_flows: defaultdict[str, Decimal] = defaultdict(Decimal)
        self.withdrawn: defaultdict[str, Decimal] = defaultdict(Decimal)
        self.deposited: defaultdict[str, Decimal] = defaultdict(Decimal)
        self.bill_ids = bill_ids if bill_ids is not None else IdSequence(random.Random(0))
        self.max_bills = max_bills
        self.retention_ms = retention_ms
        self.bills: dict[str, AppendLog[Bill]] = {}

    @staticmethod
    def require(balance: Balance, amount: Decimal) -> None:
        if balance.available < amount:
            raise BitgetError(INSUFFICIENT_BALANCE)

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
              released: Decimal, fee_rate: Decimal, now_ms: int, order_id: str = "") -> Decimal:
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
        business = "BUY" if is_buy else "SELL"
        uid = account.uid
        if is_buy:
            self.bill(uid, base, "transaction", business, qty - fee, -fee, b, now_ms, order_id)
            self.bill(uid, quote, "transaction", business, -cost, ZERO, q, now_ms, order_id)
        else:
            self.bill(uid, base, "transaction", business, -qty, ZERO, b, now_ms, order_id)
            self.bill(uid, quote, "transaction", business, cost - fee, -fee, q, now_ms, order_id)
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

    def deposit(self, coin: str, balance: Balance, size: Decimal, now_ms: int) -> None:
        """Coins arriving from outside the exchange."""
        balance.available += size
        balance.utime = now_ms
        self.deposited[coin] += size

    # -- bills --------------------------------------------------------------------------
    def bill(self, uid: str, coin: str, group: str, business: str, size: Decimal, fee: Decimal,
             balance: Balance, now_ms: int, order_id: str = "") -> None:
        """Record one change of a spot balance (call after the change: `balance` is read as it is now)."""
        log = self.bills.get(uid)
        if log is None:
            log = self.bills[uid] = AppendLog()
        bid = self.bill_ids.next()
        log.add(bid, Bill(bid, coin, group, business, size, fee, balance.available + balance.frozen, now_ms,
                          order_id))
        if self.events.listeners:
            self.events.emit(BalanceChanged(uid, coin))
        cutoff = now_ms - self.retention_ms
        for _ in range(4):  # amortised pruning: a few of the oldest per write
            oldest = log.oldest()
            if oldest is None or (len(log) <= self.max_bills and oldest.ctime >= cutoff):
                break
            log.pop_oldest()

    def bill_page(self, uid: str, now_ms: int, coin: str | None, group: str | None, business: str | None,
                  start: int | None, end: int | None, before: int | None, limit: int) -> list[Bill]:
        """One page of an account's bills, newest first: billId < `before`, cTime in [start, end] and
        within retention, optionally one coin, group type and business type."""
        log = self.bills.get(uid)
        if log is None:
            return []
        floor = now_ms - self.retention_ms if start is None else max(start, now_ms - self.retention_ms)
        wanted = coin.upper() if coin is not None else None

        def keep(b: Bill) -> bool:
            return ((wanted is None or b.coin.upper() == wanted) and (group is None or b.group == group)
                    and (business is None or b.business == business) and (end is None or b.ctime <= end))

        return newest_page(log.newest(before, stop=lambda b: b.ctime < floor), keep, limit)
