"""Wallet operations: transfers between one account's wallets, withdrawals (on chain, or to another UID
of the mock), simulated deposits, and their records. Every check runs before any coin moves; every
change of a spot balance is recorded as a bill in the ledger."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Protocol, TypeVar

from ..errors import PARAM_NOT_FOUND, TRANSFER_COIN_INVALID, BitgetError, invalid, missing
from ..store.recorder import mutation
from .accounts import AccountStore, Balance
from .addresses import address_from, deposit_address
from .catalog import COINS_BY_NAME, CONTRACTS, SPOT_SYMBOLS, SYMBOLS_BY_NAME, Chain, Coin
from .constants import ZERO
from .ledger import Ledger
from .orders import IdIndex, IdSequence
from .records import Deposit, Transfer, in_window, newest_page
from .trading import decimal_places

FUTURES_WALLETS = {"USDT-FUTURES": "usdt_futures", "COIN-FUTURES": "coin_futures", "USDC-FUTURES": "usdc_futures"}
# futures product type -> the margin coins its wallet holds
MARGIN_COINS: dict[str, tuple[str, ...]] = {
    pt: tuple(dict.fromkeys(c for k in CONTRACTS if k.product_type == pt for c in k.margin_coins))
    for pt in FUTURES_WALLETS
}
_MARGIN_SYMBOL_COINS = frozenset(c for s in SPOT_SYMBOLS if s.margin for c in (s.base, s.quote))
CONFIRM_MS = 60_000  # an on-chain withdrawal is "pending" this long on the mock's clock, then "success"
MAX_DECIMALS = 8
R = TypeVar("R")


class FuturesWallets(Protocol):
    """What futures trading says about coins moving in or out of its wallets (margin in use stays)."""

    def check_out(self, uid: str, account_type: str, coin: str, amount: Decimal, now_ms: int) -> None: ...

    def moved(self, uid: str, from_type: str, to_type: str, coin: str, amount: Decimal, now_ms: int) -> None: ...


@dataclass(frozen=True)
class TransferResult:
    transfer_id: str
    client_oid: str | None


@dataclass(frozen=True)
class WithdrawSpec:
    coin: str
    transfer_type: str  # on_chain | internal_transfer
    address: str
    size: Decimal
    chain: str | None = None
    tag: str = ""
    client_oid: str | None = None
    inner_to_type: str = "uid"


@dataclass(slots=True, eq=False)
class Withdrawal:
    oid: int
    uid: str
    coin: str
    chain: str
    dest: str  # on_chain | internal_transfer
    address: str
    tag: str
    size: Decimal  # what left the account, network fee included
    fee: Decimal
    client_oid: str
    tx_hash: str
    ctime: int

    def done_ms(self) -> int:
        return self.ctime if self.dest == "internal_transfer" else self.ctime + CONFIRM_MS


def _wallet_coins(account_type: str) -> frozenset[str] | None:
    """Coins a wallet type can hold; None for any coin."""
    for product, wallet in FUTURES_WALLETS.items():
        if wallet == account_type:
            return frozenset(MARGIN_COINS[product])
    if account_type in ("crossed_margin", "isolated_margin"):
        return _MARGIN_SYMBOL_COINS
    return None


def _check_size(size: Decimal, name: str = "size") -> None:
    if size <= 0 or decimal_places(size) > MAX_DECIMALS:
        raise invalid(name)


def find_coin(name: str) -> Coin:
    coin = COINS_BY_NAME.get(name) or COINS_BY_NAME.get(name.upper())
    if coin is None:
        raise BitgetError(PARAM_NOT_FOUND, name)
    return coin


def find_chain(coin: Coin, name: str | None) -> Chain:
    """The named chain of a coin (case-insensitive), or its first chain when none is named."""
    if name is None:
        return coin.chains[0]
    chain = coin.chain(name)
    if chain is None:
        raise invalid("chain")
    return chain


def _trim(index: IdIndex[R], max_records: int, key: Callable[[R], int]) -> R | None:
    """Drop the oldest record once the index is over its cap; returns the dropped one."""
    if len(index) <= max_records:
        return None
    oldest = index.oldest()
    if oldest is not None:
        index.discard(key(oldest))
    return oldest


class Wallet:
    def __init__(self, accounts: AccountStore, ledger: Ledger, ids: IdSequence, rng: random.Random,
                 max_records: int, seed: int = 0) -> None:
        self.accounts = accounts
        self.ledger = ledger
        self.ids = ids
        self.rng = rng
        self.max_records = max_records
        self.seed = seed
        self.transfers: dict[str, dict[str, TransferResult]] = {}
        self.transfer_log: dict[str, IdIndex[Transfer]] = {}
        self.withdrawals: dict[str, IdIndex[Withdrawal]] = {}
        self.withdraw_clients: dict[str, dict[str, Withdrawal]] = {}
        self.deposits: dict[str, IdIndex[Deposit]] = {}
        self.futures: FuturesWallets | None = None  # set by Exchange

    # -- transfers ----------------------------------------------------------------------
    @mutation
    def transfer(self, uid: str, from_type: str, to_type: str, coin: str, amount: Decimal,
                 symbol: str | None, client_oid: str | None, now_ms: int) -> TransferResult:
        account = self.accounts.account(uid)
        done = self.transfers.setdefault(uid, {})
        if client_oid is not None and client_oid in done:
            return done[client_oid]
        if from_type == to_type:
            raise invalid("toType")
        known = COINS_BY_NAME.get(coin) or COINS_BY_NAME.get(coin.upper())
        if known is None:
            raise BitgetError(TRANSFER_COIN_INVALID)
        coin = known.coin
        if "isolated_margin" in (from_type, to_type):
            if symbol is None:
                raise missing("symbol")
            sym = SYMBOLS_BY_NAME.get(symbol.upper())
            if sym is None or not sym.margin:
                raise BitgetError(PARAM_NOT_FOUND, symbol)
            if coin not in (sym.base, sym.quote):
                raise BitgetError(TRANSFER_COIN_INVALID)
        for side in (from_type, to_type):
            allowed = _wallet_coins(side)
            if allowed is not None and coin not in allowed:
                raise BitgetError(TRANSFER_COIN_INVALID)
        _check_size(amount, "amount")
        source, target = account.balance(coin, from_type), account.balance(coin, to_type)
        if self.futures is not None:
            self.futures.check_out(uid, from_type, coin, amount, now_ms)
        Ledger.move(source, target, amount, now_ms)
        if self.futures is not None:
            self.futures.moved(uid, from_type, to_type, coin, amount, now_ms)
        if from_type == "spot":
            self.ledger.bill(uid, coin, "transfer", "TRANSFER_OUT", -amount, ZERO, source, now_ms)
        if to_type == "spot":
            self.ledger.bill(uid, coin, "transfer", "TRANSFER_IN", amount, ZERO, target, now_ms)
        tid = self.ids.next()
        result = TransferResult(str(tid), client_oid)
        isolated = symbol.upper() if symbol is not None and "isolated_margin" in (from_type, to_type) else ""
        log = self.transfer_log.setdefault(uid, IdIndex())
        log.add(tid, Transfer(tid, coin, from_type, to_type, isolated, amount, client_oid or "", now_ms))
        _trim(log, self.max_records, lambda t: t.tid)
        if client_oid is not None:
            done[client_oid] = result
            if len(done) > self.max_records:
                del done[next(iter(done))]
        return result

    # -- withdrawals --------------------------------------------------------------------
    @mutation
    def withdraw(self, uid: str, spec: WithdrawSpec, now_ms: int) -> Withdrawal:
        account = self.accounts.account(uid)
        by_client = self.withdraw_clients.setdefault(uid, {})
        if spec.client_oid is not None and spec.client_oid in by_client:
            return by_client[spec.client_oid]
        coin = COINS_BY_NAME.get(spec.coin) or COINS_BY_NAME.get(spec.coin.upper())
        if coin is None:
            raise BitgetError(PARAM_NOT_FOUND, spec.coin)
        _check_size(spec.size)
        balance = account.balance(coin.coin)
        target_balance: Balance | None = None
        if spec.transfer_type == "internal_transfer":
            target = self._internal_target(uid, spec)
            target_balance = self.accounts.account(target).balance(coin.coin)
            Ledger.move(balance, target_balance, spec.size, now_ms)
            chain, fee, tx_hash = "", Decimal(0), ""
        else:
            chain, fee = self._chain_fee(coin, spec)
            self.ledger.withdraw(coin.coin, balance, spec.size, now_ms)
            tx_hash = f"{self.rng.getrandbits(256):064x}"
        self.ledger.bill(uid, coin.coin, "withdraw", "WITHDRAW", -spec.size, -fee, balance, now_ms)
        record = Withdrawal(
            oid=self.ids.next(), uid=uid, coin=coin.coin, chain=chain, dest=spec.transfer_type,
            address=spec.address, tag=spec.tag, size=spec.size, fee=fee,
            client_oid=spec.client_oid or f"{self.rng.getrandbits(128):032x}", tx_hash=tx_hash, ctime=now_ms,
        )
        if not record.tx_hash:
            record.tx_hash = str(record.oid)
        index = self.withdrawals.setdefault(uid, IdIndex())
        index.add(record.oid, record)
        by_client[record.client_oid] = record
        dropped = _trim(index, self.max_records, lambda w: w.oid)
        if dropped is not None:
            by_client.pop(dropped.client_oid, None)
        if target_balance is not None:
            self._record_deposit(Deposit(record.oid, spec.address, coin.coin, "", "internal_transfer", spec.size,
                                         uid, spec.address, record.tx_hash, now_ms))
            self.ledger.bill(spec.address, coin.coin, "deposit", "DEPOSIT", spec.size, ZERO, target_balance, now_ms)
        return record

    def _chain_fee(self, coin: Coin, spec: WithdrawSpec) -> tuple[str, Decimal]:
        if spec.chain is None:
            raise missing("chain")
        chain = coin.chain(spec.chain)
        if chain is None:
            raise invalid("chain")
        if not chain.valid_address(spec.address):
            raise invalid("address")
        if spec.size < chain.min_withdraw:
            raise invalid("size")
        return chain.chain, chain.withdraw_fee

    def _internal_target(self, uid: str, spec: WithdrawSpec) -> str:
        if spec.inner_to_type != "uid":
            raise invalid("innerToType")
        if spec.address == uid or spec.address not in self.accounts.accounts:
            raise invalid("address")
        return spec.address

    def records(self, uid: str, coin: str | None, client_oid: str | None, order_id: int | None,
                start: int, end: int, before: int | None, limit: int) -> list[Withdrawal]:
        index = self.withdrawals.get(uid)
        if index is None:
            return []

        def keep(w: Withdrawal) -> bool:
            return (w.ctime <= end and (coin is None or w.coin.upper() == coin.upper())
                    and (client_oid is None or w.client_oid == client_oid)
                    and (order_id is None or w.oid == order_id))

        out = []
        for w in index.newest(before, keep, lambda w: w.ctime < start):
            out.append(w)
            if len(out) >= limit:
                break
        return out

    # -- deposits -----------------------------------------------------------------------
    def deposit_address(self, uid: str, coin_name: str, chain_name: str | None) -> tuple[Coin, Chain, str]:
        self.accounts.account(uid)
        coin = find_coin(coin_name)
        chain = find_chain(coin, chain_name)
        return coin, chain, deposit_address(self.seed, uid, coin.coin, chain.chain)

    @mutation
    def deposit(self, uid: str, coin_name: str, size: Decimal, chain_name: str | None, from_address: str | None,
                now_ms: int) -> Deposit:
        """A simulated on-chain deposit into the spot wallet: credited at once, status success."""
        coin, chain, to_address = self.deposit_address(uid, coin_name, chain_name)
        _check_size(size)
        if from_address is not None and not chain.valid_address(from_address):
            raise invalid("fromAddress")
        if from_address is None:
            from_address = address_from(chain.chain, self.rng.getrandbits(256).to_bytes(32, "big"))
        balance = self.accounts.account(uid).balance(coin.coin)
        self.ledger.deposit(coin.coin, balance, size, now_ms)
        self.ledger.bill(uid, coin.coin, "deposit", "DEPOSIT", size, ZERO, balance, now_ms)
        record = Deposit(self.ids.next(), uid, coin.coin, chain.chain, "on_chain", size, from_address, to_address,
                         f"{self.rng.getrandbits(256):064x}", now_ms)
        self._record_deposit(record)
        return record

    def _record_deposit(self, record: Deposit) -> None:
        index = self.deposits.setdefault(record.uid, IdIndex())
        index.add(record.oid, record)
        _trim(index, self.max_records, lambda d: d.oid)

    def find_deposit(self, uid: str, order_id: int) -> Deposit | None:
        index = self.deposits.get(uid)
        return index.get(order_id) if index is not None else None

    def deposit_records(self, uid: str, coin: str | None, start: int, end: int, before: int | None,
                        limit: int) -> list[Deposit]:
        index = self.deposits.get(uid)
        if index is None:
            return []
        wanted = coin.upper() if coin is not None else None
        return newest_page(index.newest(before, stop=lambda d: d.ctime < start),
                           lambda d: d.ctime <= end and (wanted is None or d.coin.upper() == wanted), limit)

    def transfer_records(self, uid: str, coin: str, from_type: str | None, client_oid: str | None,
                         start: int | None, end: int | None, before: int | None, limit: int) -> list[Transfer]:
        index = self.transfer_log.get(uid)
        if index is None:
            return []
        wanted = coin.upper()

        def keep(t: Transfer) -> bool:
            return (t.coin.upper() == wanted and (from_type is None or t.from_type == from_type)
                    and (client_oid is None or t.client_oid == client_oid) and in_window(t.ctime, start, end))

        return newest_page(index.newest(before), keep, limit)
