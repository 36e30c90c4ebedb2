"""The seeded market's static configuration: spot symbols, coins and chains, futures contracts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

D = Decimal

# The non-ASCII coin is there on purpose: clients that mis-encode symbols break on it.
DRAGON = "龙币"


@dataclass(frozen=True)
class SpotSymbol:
    symbol: str
    base: str
    quote: str
    price_precision: int
    quantity_precision: int
    base_price: Decimal
    quote_precision: int = 8
    min_trade_usdt: Decimal = D("1")
    buy_limit_ratio: Decimal = D("0.05")
    sell_limit_ratio: Decimal = D("0.05")
    maker_fee: Decimal = D("0.001")
    taker_fee: Decimal = D("0.001")
    margin: bool = False
    index: int = 0

    @cached_property  # read by every order: computed once (kept in the instance's __dict__)
    def tick(self) -> Decimal:
        return D(1).scaleb(-self.price_precision)

    @cached_property
    def lot(self) -> Decimal:
        return D(1).scaleb(-self.quantity_precision)

    @cached_property
    def buy_cap(self) -> Decimal:
        """A limit buy may be priced at most this many times the last price."""
        return 1 + self.buy_limit_ratio

    @cached_property
    def sell_floor(self) -> Decimal:
        """A limit sell may be priced at least this many times the last price."""
        return 1 - self.sell_limit_ratio


@dataclass(frozen=True)
class Chain:
    chain: str
    withdraw_fee: Decimal
    min_withdraw: Decimal
    address_pattern: str

    def valid_address(self, address: str) -> bool:
        return re.fullmatch(self.address_pattern, address) is not None


@dataclass(frozen=True)
class Coin:
    coin: str
    coin_id: int
    chains: tuple[Chain, ...]

    def chain(self, name: str) -> Chain | None:
        for c in self.chains:
            if c.chain.lower() == name.lower():
                return c
        return None


_B58 = "[1-9A-HJ-NP-Za-km-z]"
ERC20 = r"0x[0-9a-fA-F]{40}"
TRC20 = "T" + _B58 + "{33}"
BTC_ADDR = r"(?=[0-9A-Za-z]{26,62}$)(?:1|3|bc1)[0-9A-Za-z]+"
SOL_ADDR = _B58 + "{32,44}"

SPOT_SYMBOLS: tuple[SpotSymbol, ...] = (
    SpotSymbol("BTCUSDT", "BTC", "USDT", 2, 6, D("60000"), margin=True, index=0),
    SpotSymbol("ETHUSDT", "ETH", "USDT", 2, 4, D("3000"), margin=True, index=1),
    SpotSymbol("SOLUSDT", "SOL", "USDT", 3, 2, D("150"), index=2),
    SpotSymbol(DRAGON + "USDT", DRAGON, "USDT", 4, 2, D("0.5"), index=3),
)

COINS: tuple[Coin, ...] = (
    Coin("BTC", 1, (Chain("BTC", D("0.0005"), D("0.001"), BTC_ADDR),)),
    Coin("ETH", 2, (Chain("ERC20", D("0.003"), D("0.01"), ERC20),)),
    Coin("USDT", 3, (Chain("ERC20", D("5"), D("10"), ERC20), Chain("TRC20", D("1"), D("10"), TRC20))),
    Coin("SOL", 4, (Chain("SOL", D("0.01"), D("0.1"), SOL_ADDR),)),
    Coin(DRAGON, 5, (Chain("ERC20", D("10"), D("20"), ERC20),)),
)


@dataclass(frozen=True)
class Contract:
    symbol: str
    product_type: str
    base: str
    quote: str
    margin_coins: tuple[str, ...]
    price_place: int
    volume_place: int
    min_trade_num: Decimal
    spot_symbol: str  # whose price walk the contract follows


CONTRACTS: tuple[Contract, ...] = (
    Contract("BTCUSDT", "USDT-FUTURES", "BTC", "USDT", ("USDT",), 1, 4, D("0.0001"), "BTCUSDT"),
    Contract("ETHUSDT", "USDT-FUTURES", "ETH", "USDT", ("USDT",), 2, 2, D("0.01"), "ETHUSDT"),
    Contract("BTCUSD", "COIN-FUTURES", "BTC", "USD", ("BTC", "ETH", "USDT"), 1, 3, D("0.001"), "BTCUSDT"),
    Contract("BTCPERP", "USDC-FUTURES", "BTC", "USDC", ("USDC",), 1, 4, D("0.0001"), "BTCUSDT"),
)

PRODUCT_TYPES = ("USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES")
# Demo product types map onto the real ones: the whole mock is a demo anyway.
DEMO_PRODUCT_TYPES = {"SUSDT-FUTURES": "USDT-FUTURES", "SCOIN-FUTURES": "COIN-FUTURES", "SUSDC-FUTURES": "USDC-FUTURES"}

SYMBOLS_BY_NAME = {s.symbol: s for s in SPOT_SYMBOLS}
COINS_BY_NAME = {c.coin: c for c in COINS}
