"""Wallet operations: transfers between one account's wallets, and withdrawals (on chain, or to
another UID of the mock). Every check runs before any coin moves."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from ..errors import BitgetError, invalid, missing
from .accounts import AccountStore
from .catalog import COINS_BY_NAME, CONTRACTS, SPOT_SYMBOLS, SYMBOLS_BY_NAME, Coin
from .ledger import Ledger
from .orders import IdIndex, IdSequence
from .trading import decimal_places

ACCOUNT_TYPES = ("spot", "p2p", "coin_futures", "usdt_futures", "usdc_futures", "crossed_margin", "isolated_margin")
FUTURES_WALLETS = {"USDT-FUTURES": "usdt_futures", "COIN-FUTURES": "coin_futures", "USDC-FUTURES": "usdc_futures"}
# futures product type -> the margin coins its wallet holds
MARGIN_COINS: dict[str, tuple[str, ...]] = {
    pt: tuple(dict.fromkeys(c for k in CONTRACTS if k.product_type == pt for c in k.margin_coins))
    for pt in FUTURES_WALLETS
}
_MARGIN_SYMBOL_COINS = frozenset(c for s in SPOT_SYMBOLS if s.margin for c in (s.base, s.quote))
CONFIRM_MS = 60_000  # an on-chain withdrawal is "pending" this long on the mock's clock, then "success"
MAX_DECIMALS = 8


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


class Wallet:
    def __init__(self, accounts: AccountStore, ledger: Ledger, ids: IdSequence, rng: random.Random,
                 max_records: int) -> None:
        self.accounts = accounts
        self.ledger = ledger
        self.ids = ids
        self.rng = rng
        self.max_records = max_records
        self.transfers: dict[str, dict[str, TransferResult]] = {}
        self.withdrawals: dict[str, IdIndex[Withdrawal]] = {}
        self.withdraw_clients: dict[str, dict[str, Withdrawal]] = {}

    # -- transfers ----------------------------------------------------------------------
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
            raise BitgetError("43129")
        coin = known.coin
        if "isolated_margin" in (from_type, to_type):
            if symbol is None:
                raise missing("symbol")
            sym = SYMBOLS_BY_NAME.get(symbol.upper())
            if sym is None or not sym.margin:
                raise BitgetError("40034", symbol)
            if coin not in (sym.base, sym.quote):
                raise BitgetError("43129")
        for side in (from_type, to_type):
            allowed = _wallet_coins(side)
            if allowed is not None and coin not in allowed:
                raise BitgetError("43129")
        _check_size(amount, "amount")
        Ledger.move(account.balance(coin, from_type), account.balance(coin, to_type), amount, now_ms)
        result = TransferResult(str(self.ids.next()), client_oid)
        if client_oid is not None:
            done[client_oid] = result
            if len(done) > self.max_records:
                del done[next(iter(done))]
        return result

    # -- withdrawals --------------------------------------------------------------------
    def withdraw(self, uid: str, spec: WithdrawSpec, now_ms: int) -> Withdrawal:
        account = self.accounts.account(uid)
        by_client = self.withdraw_clients.setdefault(uid, {})
        if spec.client_oid is not None and spec.client_oid in by_client:
            return by_client[spec.client_oid]
        coin = COINS_BY_NAME.get(spec.coin) or COINS_BY_NAME.get(spec.coin.upper())
        if coin is None:
            raise BitgetError("40034", spec.coin)
        _check_size(spec.size)
        balance = account.balance(coin.coin)
        if spec.transfer_type == "internal_transfer":
            target = self._internal_target(uid, spec)
            Ledger.move(balance, self.accounts.account(target).balance(coin.coin), spec.size, now_ms)
            chain, fee, tx_hash = "", Decimal(0), ""
        else:
            chain, fee = self._chain_fee(coin, spec)
            self.ledger.withdraw(coin.coin, balance, spec.size, now_ms)
            tx_hash = f"{self.rng.getrandbits(256):064x}"
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
        if len(index) > self.max_records:
            oldest = index.oldest()
            if oldest is not None:
                index.discard(oldest.oid)
                by_client.pop(oldest.client_oid, None)
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
