"""The seeded market's static configuration: spot symbols, coins and chains, futures contracts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
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
    Coin("USDC", 6, (Chain("ERC20", D("5"), D("10"), ERC20), Chain("SOL", D("1"), D("10"), SOL_ADDR))),
)


@dataclass(frozen=True)
class LeverageTier:
    """One row of `GET /api/v2/mix/market/query-position-lever`: positions whose value (size x price, in the
    contract's quote coin) lies in [start_unit, end_unit) may use at most `leverage` and are maintained at
    `keep_margin_rate` of their value."""

    level: int
    start_unit: Decimal
    end_unit: Decimal
    leverage: int
    keep_margin_rate: Decimal


def _tiers(*rows: tuple[str, str, int, str]) -> tuple[LeverageTier, ...]:
    return tuple(LeverageTier(i + 1, D(a), D(b), lever, D(mmr)) for i, (a, b, lever, mmr) in enumerate(rows))


# Tiers 1 and 2 are Bitget's documented BTCUSDT rows (Get-Query-Position-Lever example); the deeper
# rows are the mock's own continuation (leverage falls, maintenance rate rises), so large positions
# have a tier. ETH's first rows follow the same shape one step lower. See docs/futures-market.md.
BTC_TIERS = _tiers(
    ("0", "50000", 125, "0.004"),
    ("50000", "200000", 100, "0.005"),
    ("200000", "1000000", 50, "0.01"),
    ("1000000", "5000000", 20, "0.025"),
    ("5000000", "20000000", 10, "0.05"),
)
ETH_TIERS = _tiers(
    ("0", "50000", 100, "0.005"),
    ("50000", "200000", 75, "0.0065"),
    ("200000", "1000000", 50, "0.01"),
    ("1000000", "5000000", 20, "0.025"),
    ("5000000", "20000000", 10, "0.05"),
)


@dataclass(frozen=True, slots=True)
class Contract:
    """A perpetual contract's configuration, as `GET /api/v2/mix/market/contracts` publishes it.

    Values are Bitget's (Get-All-Symbols-Contracts, Get-Current-Funding-Rate, Get-Query-Position-Lever;
    sources in docs/futures-market.md). Sizes are in the base coin (ccxt: contractSize 1).
    """

    symbol: str
    product_type: str
    base: str
    quote: str
    margin_coins: tuple[str, ...]
    price_place: int
    volume_place: int
    min_trade_num: Decimal
    spot_symbol: str  # whose price walk the contract follows
    index: int  # the contract's own series in the price walk's hash (basis, funding, sizes, trade ids)
    tiers: tuple[LeverageTier, ...] = BTC_TIERS
    price_end_step: int = 1
    maker_fee: Decimal = D("0.0002")
    taker_fee: Decimal = D("0.0006")
    fund_interval_hours: int = 8
    min_lever: int = 1
    min_funding_rate: Decimal = D("-0.003")
    max_funding_rate: Decimal = D("0.003")
    # price bands around the mark price for limit orders (docs/futures-market.md: as for spot)
    buy_limit_ratio: Decimal = D("0.05")
    sell_limit_ratio: Decimal = D("0.05")
    min_trade_usdt: Decimal = D("5")
    max_market_order_qty: Decimal = D("100")
    max_order_qty: Decimal = D("1000")

    # derived once in __post_init__ (slots: every order reads several of them)
    tick: Decimal = field(init=False, compare=False)  # price step: priceEndStep x 10^-pricePlace (as ccxt reads it)
    # is the price step 10^-pricePlace (priceEndStep 1)? then a price with no more decimals is on it
    tick_is_place: bool = field(init=False, compare=False)
    lot: Decimal = field(init=False, compare=False)  # size step (`sizeMultiplier`); also the minimum size
    # is the size step 10^-volumePlace? then a size with no more decimals is on the step
    lot_is_place: bool = field(init=False, compare=False)
    buy_band: Decimal = field(init=False, compare=False)  # a limit buy may be priced up to the mark times this
    sell_band: Decimal = field(init=False, compare=False)  # a limit sell down to the mark times this
    # coin-margined (COIN-FUTURES): margin, fees and PnL in the base coin, the size a USD value at its
    # entry price (docs/futures.md "Inverse contracts")
    inverse: bool = field(init=False, compare=False)
    max_lever: int = field(init=False, compare=False)  # the first tier's leverage: no position may use more

    def __post_init__(self) -> None:
        tick = D(self.price_end_step).scaleb(-self.price_place)
        derived = {
            "tick": tick,
            "tick_is_place": tick == D(1).scaleb(-self.price_place),
            "lot": self.min_trade_num,
            "lot_is_place": self.min_trade_num == D(1).scaleb(-self.volume_place),
            "buy_band": 1 + self.buy_limit_ratio,
            "sell_band": 1 - self.sell_limit_ratio,
            "inverse": self.product_type == "COIN-FUTURES",
            "max_lever": self.tiers[0].leverage,
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def to_tick(self, price: Decimal, rounding: str = ROUND_HALF_EVEN) -> Decimal:
        """`price` rounded to a multiple of the price step (a step of 0.5 takes more than a quantize)."""
        if self.tick_is_place:
            return price.quantize(self.tick, rounding=rounding)
        return ((price / self.tick).to_integral_value(rounding=rounding) * self.tick).quantize(self.tick)

    def tier_for(self, value: Decimal) -> LeverageTier:
        """The tier a position of this value (size x price, quote coin) falls in; the last tier beyond it."""
        for tier in self.tiers:
            if value < tier.end_unit:
                return tier
        return self.tiers[-1]


CONTRACTS: tuple[Contract, ...] = (
    Contract("BTCUSDT", "USDT-FUTURES", "BTC", "USDT", ("USDT",), 1, 4, D("0.0001"), "BTCUSDT", 8),
    Contract("ETHUSDT", "USDT-FUTURES", "ETH", "USDT", ("USDT",), 2, 2, D("0.01"), "ETHUSDT", 9, ETH_TIERS),
    Contract("BTCUSD", "COIN-FUTURES", "BTC", "USD", ("BTC", "ETH", "USDT"), 1, 3, D("0.001"), "BTCUSDT", 10),
    # USDC-margined: BTCPERP's price step 0.5 (priceEndStep 5) is ccxt's recorded instrument; ETHPERP is MOCK
    Contract("BTCPERP", "USDC-FUTURES", "BTC", "USDC", ("USDC",), 1, 4, D("0.0001"), "BTCUSDT", 11, price_end_step=5),
    Contract("ETHPERP", "USDC-FUTURES", "ETH", "USDC", ("USDC",), 2, 2, D("0.01"), "ETHUSDT", 12, ETH_TIERS),
)

PRODUCT_TYPES = ("USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES")
# Demo product types map onto the real ones: the whole mock is a demo anyway.
DEMO_PRODUCT_TYPES = {"SUSDT-FUTURES": "USDT-FUTURES", "SCOIN-FUTURES": "COIN-FUTURES", "SUSDC-FUTURES": "USDC-FUTURES"}

SYMBOLS_BY_NAME = {s.symbol: s for s in SPOT_SYMBOLS}
# (productType, symbol) -> contract, for the real product types (demo ones are mapped first)
CONTRACTS_BY_KEY = {(c.product_type, c.symbol): c for c in CONTRACTS}
COINS_BY_NAME = {c.coin: c for c in COINS}
