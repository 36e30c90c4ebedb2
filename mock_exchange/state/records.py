"""Account history records: transfers, deposits and spot bills, and the newest-first paging they share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T")

# Bitget's spot bill business types (current upper-case names) and the legacy spellings clients still send.
BUSINESS_TYPES = ("DEPOSIT", "WITHDRAW", "BUY", "SELL", "DEDUCTION_HANDLING_FEE", "TRANSFER_IN", "TRANSFER_OUT",
                  "REBATE_REWARDS", "AIRDROP_REWARDS", "USDT_CONTRACT_REWARDS", "MIX_CONTRACT_REWARDS",
                  "SYSTEM_LOCK", "USER_LOCK", "STRATEGY_TRANSFER_IN")
LEGACY_BUSINESS_TYPES = {
    "deduction of handling fee": "DEDUCTION_HANDLING_FEE", "transfer-in": "TRANSFER_IN",
    "transfer-out": "TRANSFER_OUT", "rebate rewards": "REBATE_REWARDS", "airdrop rewards": "AIRDROP_REWARDS",
    "usdt contract rewards": "USDT_CONTRACT_REWARDS", "mix contract rewards": "MIX_CONTRACT_REWARDS",
    "system lock": "SYSTEM_LOCK", "user lock": "USER_LOCK",
}
GROUP_TYPES = ("deposit", "withdraw", "transaction", "transfer", "loan", "financial", "fait", "convert", "c2c",
               "pre_c2c", "on_chain", "strategy", "other")


@dataclass(slots=True, eq=False)
class Bill:
    """One change of a spot balance. `size` is the signed change, fee included; `fee` (<= 0) is the part
    of it that was a fee; `balance` is the coin's spot total (available + frozen) after the change."""

    bid: int
    coin: str
    group: str
    business: str
    size: Decimal
    fee: Decimal
    balance: Decimal
    ctime: int
    order_id: str = ""  # the order a trade bill belongs to (Bitget's bizOrderId); "" for other bills


@dataclass(slots=True, eq=False)
class Transfer:
    tid: int
    coin: str
    from_type: str
    to_type: str
    symbol: str  # the isolated-margin symbol, "" otherwise
    size: Decimal
    client_oid: str
    ctime: int


@dataclass(slots=True, eq=False)
class Deposit:
    oid: int
    uid: str
    coin: str
    chain: str  # "" for internal transfers
    dest: str  # on_chain | internal_transfer
    size: Decimal
    from_address: str
    to_address: str
    tx_hash: str
    ctime: int


def newest_page(items: Iterable[T], keep: Callable[[T], bool], limit: int) -> list[T]:
    """The first `limit` items that `keep` accepts, in the order given (newest first)."""
    out: list[T] = []
    for item in items:
        if keep(item):
            out.append(item)
            if len(out) >= limit:
                break
    return out


def in_window(ms: int, start: int | None, end: int | None) -> bool:
    return (start is None or ms >= start) and (end is None or ms <= end)
