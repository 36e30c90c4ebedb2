"""The endpoints ccxt's bitget class reads beyond trading: trade history, history candles, trade rate,
deposit addresses and records (with the admin deposit), transfer records and bills."""

from __future__ import annotations

import asyncio
import itertools
import re
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.ratelimit.limits import IP, UID
from mock_exchange.routes import endpoint_limits
from mock_exchange.state.catalog import COINS_BY_NAME
from mock_exchange.state.seed import AccountSeed

from .client_support import asgi_client
from .helpers import UID as MAIN_UID
from .helpers import VirtualTime, make_app, seed_accounts
from .trading_support import ERC20, Api

FILLS = "/api/v2/spot/market/fills"
HISTORY = "/api/v2/spot/market/fills-history"
CANDLES = "/api/v2/spot/market/candles"
HISTORY_CANDLES = "/api/v2/spot/market/history-candles"
RATE = "/api/v2/common/trade-rate"
ADDRESS = "/api/v2/spot/wallet/deposit-address"
DEPOSITS = "/api/v2/spot/wallet/deposit-records"
TRANSFER = "/api/v2/spot/wallet/transfer"
TRANSFERS = "/api/v2/spot/account/transferRecords"
BILLS = "/api/v2/spot/account/bills"
OTHER_UID = "1000000002"
DAY = 86_400_000
MS_STRING = re.compile(r"[0-9]{13}")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.fixture
def api() -> Api:
    accounts = [*seed_accounts(ips=("127.0.0.1",)), AccountSeed(OTHER_UID, {"USDT": "5"}, ())]
    return Api(make_app(accounts=accounts, rate_limits="off"))


def deposit(api: Api, uid: str = MAIN_UID, **body: Any) -> Any:
    return api.client.post(f"/_mock/accounts/{uid}/deposits", json=body)


def public(api: Api, path: str, query: str) -> Any:
    return api.client.get(f"{path}?{query}").json()


# -- fills-history ---------------------------------------------------------------------------
def test_fills_history_continues_the_recent_trade_stream(api: Api) -> None:
    recent = public(api, FILLS, "symbol=BTCUSDT&limit=500")["data"]
    first = public(api, HISTORY, "symbol=BTCUSDT")["data"]
    # default limit 500, the same trades; the side capitalised here (Bitget's Get-Market-Trades example)
    assert len(first) == 500 and first == [{**t, "side": t["side"].capitalize()} for t in recent]
    for t in first[:3]:
        assert set(t) == {"symbol", "tradeId", "side", "price", "size", "ts"}
        assert t["side"] in ("Buy", "Sell") and MS_STRING.fullmatch(t["ts"]) and NUMBER.fullmatch(t["price"])
    page = public(api, HISTORY, f"symbol=BTCUSDT&limit=1000&idLessThan={first[-1]['tradeId']}")["data"]
    assert len(page) == 1000 and int(page[0]["ts"]) == int(first[-1]["ts"]) - 1000
    ids = [int(t["tradeId"]) for t in first + page]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 1500
    again = Api(make_app(accounts=seed_accounts(), rate_limits="off"))  # same seed and clock: the same history
    assert public(again, HISTORY, f"symbol=BTCUSDT&limit=1000&idLessThan={first[-1]['tradeId']}")["data"] == page


def test_fills_history_time_window_and_retention(api: Api) -> None:
    now = api.now
    rows = public(api, HISTORY, f"symbol=ETHUSDT&startTime={now - 10_500}&endTime={now - 5000}")["data"]
    assert [int(t["ts"]) for t in rows] == list(range(now - 5000, now - 10_500, -1000))
    since = public(api, HISTORY, f"symbol=ETHUSDT&startTime={now - 2000}")["data"]
    assert [int(t["ts"]) for t in since] == [now, now - 1000, now - 2000]
    assert public(api, HISTORY, f"symbol=ETHUSDT&endTime={now - 31 * DAY}")["data"] == []  # 30 days kept
    assert len(public(api, HISTORY, f"symbol=ETHUSDT&limit=3&endTime={now - 29 * DAY}")["data"]) == 3


@pytest.mark.parametrize(("query", "code"), [
    ("", "40019"),
    ("symbol=NOPEUSDT", "40034"),
    ("symbol=BTCUSDT&limit=1001", "40020"),
    ("symbol=BTCUSDT&limit=0", "40020"),
    ("symbol=BTCUSDT&idLessThan=abc", "40020"),
    ("symbol=BTCUSDT&startTime=2000&endTime=1000", "40020"),
    ("symbol=BTCUSDT&startTime=0&endTime=604800001", "40020"),  # more than 7 days apart
])
def test_fills_history_refuses_bad_params(api: Api, query: str, code: str) -> None:
    assert public(api, HISTORY, query)["code"] == code


# -- history-candles -------------------------------------------------------------------------
def test_history_candles_match_candles_and_need_end_time(api: Api) -> None:
    end = api.now - 40 * DAY
    query = f"symbol=SOLUSDT&granularity=1h&endTime={end}&limit=200"
    rows = public(api, HISTORY_CANDLES, query)["data"]
    assert len(rows) == 200 and rows[-40:] == public(api, CANDLES, query.replace("limit=200", "limit=40"))["data"]
    assert all(len(r) == 8 and all(isinstance(v, str) for v in r) for r in rows)
    assert [int(r[0]) for r in rows] == list(range(int(rows[0][0]), int(rows[0][0]) + 200 * 3_600_000, 3_600_000))
    assert public(api, HISTORY_CANDLES, "symbol=SOLUSDT&granularity=1h")["code"] == "40019"
    assert public(api, HISTORY_CANDLES, f"symbol=SOLUSDT&granularity=1h&endTime={end}&limit=201")["code"] == "40020"
    assert public(api, HISTORY_CANDLES, f"symbol=SOLUSDT&granularity=2min&endTime={end}")["code"] == "40020"


# -- trade-rate ------------------------------------------------------------------------------
def test_trade_rate_reads_the_symbol_or_contract_configuration(api: Api) -> None:
    assert api.ok("GET", RATE, "symbol=BTCUSDT&businessType=spot") == {"makerFeeRate": "0.001",
                                                                        "takerFeeRate": "0.001"}
    assert api.ok("GET", RATE, "symbol=ethusdt&businessType=MARGIN") == {"makerFeeRate": "0.001",
                                                                          "takerFeeRate": "0.001"}
    contract = public(api, "/api/v2/mix/market/contracts", "productType=COIN-FUTURES&symbol=BTCUSD")["data"][0]
    assert api.ok("GET", RATE, "symbol=BTCUSD&businessType=Mix") == {
        "makerFeeRate": contract["makerFeeRate"], "takerFeeRate": contract["takerFeeRate"]}
    for query, code in (("symbol=SOLUSDT&businessType=margin", "40034"), ("symbol=BTCUSDT", "40019"),
                        ("businessType=spot", "40019"), ("symbol=BTCUSDT&businessType=futures", "40020"),
                        ("symbol=SOLUSDT&businessType=mix", "40034")):
        assert api.code("GET", RATE, query) == code, query
    assert public(api, RATE, "symbol=BTCUSDT&businessType=spot")["code"] == "40001"  # private


# -- deposit address -------------------------------------------------------------------------
def test_deposit_addresses_have_the_chain_shape_and_are_stable(api: Api) -> None:
    seen = set()
    for coin in COINS_BY_NAME.values():
        for chain in coin.chains:
            data = api.ok("GET", ADDRESS, f"coin={coin.coin.lower() if coin.coin.isascii() else coin.coin}"
                                          f"&chain={chain.chain.lower()}")
            assert set(data) == {"address", "chain", "coin", "tag", "url"}
            assert (data["coin"], data["chain"], data["tag"]) == (coin.coin, chain.chain, "")
            assert chain.valid_address(data["address"]) and data["url"].endswith(data["address"])
            seen.add(data["address"])
    assert len(seen) == sum(len(c.chains) for c in COINS_BY_NAME.values())
    default = api.ok("GET", ADDRESS, "coin=USDT")
    assert default["chain"] == "ERC20" and default == api.ok("GET", ADDRESS, "coin=USDT&chain=ERC20")
    tron = api.ok("GET", ADDRESS, "coin=USDT&chain=TRC20")["address"]
    assert len(tron) == 34 and tron.startswith("T")
    fresh = Api(make_app(accounts=seed_accounts(), rate_limits="off"))  # from seed + uid: stable across restarts
    assert fresh.ok("GET", ADDRESS, "coin=USDT&chain=TRC20")["address"] == tron
    other = Api(make_app(accounts=seed_accounts(), seed=99, rate_limits="off"))
    assert other.ok("GET", ADDRESS, "coin=USDT&chain=TRC20")["address"] != tron
    for query, code in (("", "40019"), ("coin=NOPE", "40034"), ("coin=BTC&chain=ERC20", "40020"),
                        ("coin=BTC&size=abc", "40020")):
        assert api.code("GET", ADDRESS, query) == code, query


# -- deposits --------------------------------------------------------------------------------
def test_admin_deposit_credits_spot_and_appears_in_records(api: Api) -> None:
    answer = deposit(api, coin="USDT", size="100.5", chain="trc20")
    assert answer.status_code == 200
    record = answer.json()
    assert api.asset("USDT") == (Decimal("100100.5"), 0)
    assert record["toAddress"] == api.ok("GET", ADDRESS, "coin=USDT&chain=TRC20")["address"]
    assert (record["type"], record["status"], record["dest"], record["chain"], record["size"]) == (
        "deposit", "success", "on_chain", "TRC20", "100.5")
    assert re.fullmatch(r"T[1-9A-HJ-NP-Za-km-z]{33}", record["fromAddress"]) and len(record["tradeId"]) == 64
    assert record["cTime"] == record["uTime"] == str(api.now)
    window = f"startTime={api.now - 1000}&endTime={api.now}"
    assert api.ok("GET", DEPOSITS, window) == [record]
    assert api.ok("GET", DEPOSITS, f"orderId={record['orderId']}") == [record]  # orderId alone is enough
    assert api.ok("GET", DEPOSITS, window + "&coin=BTC") == []
    assert api.ok("GET", DEPOSITS, f"startTime={api.now + 1}&endTime={api.now + 2}") == []


def test_deposit_records_page_newest_first(api: Api) -> None:
    ids = []
    for i in range(5):
        ids.append(deposit(api, coin="BTC", size=f"0.0{i + 1}").json()["orderId"])
        api.client.post("/_mock/clock", json={"advance": 1000})
    window = f"startTime={api.now - DAY}&endTime={api.now}"
    page = api.ok("GET", DEPOSITS, window + "&limit=2")
    assert [d["orderId"] for d in page] == ids[:-3:-1]
    rest = api.ok("GET", DEPOSITS, window + f"&idLessThan={page[-1]['orderId']}")
    assert [d["orderId"] for d in rest] == ids[2::-1]
    assert api.code("GET", DEPOSITS, "startTime=1") == "40019"
    assert api.code("GET", DEPOSITS, f"startTime={api.now}&endTime=1") == "40020"


@pytest.mark.parametrize(("uid", "body", "status", "code"), [
    ("nobody", {"coin": "USDT", "size": "1"}, 404, "40404"),
    (MAIN_UID, {"size": "1"}, 400, "40019"),
    (MAIN_UID, {"coin": "USDT"}, 400, "40019"),
    (MAIN_UID, {"coin": "NOPE", "size": "1"}, 400, "40034"),
    (MAIN_UID, {"coin": "USDT", "size": "-1"}, 400, "40020"),
    (MAIN_UID, {"coin": "USDT", "size": "0.000000001"}, 400, "40020"),
    (MAIN_UID, {"coin": "USDT", "size": "1", "chain": "SOL"}, 400, "40020"),
    (MAIN_UID, {"coin": "USDT", "size": "1", "chain": "ERC20", "fromAddress": "0xnope"}, 400, "40020"),
    (MAIN_UID, {"coin": 5, "size": "1"}, 400, "40020"),
    (MAIN_UID, {"coin": "USDT", "size": True}, 400, "40020"),
])
def test_bad_admin_deposits_change_nothing(api: Api, uid: str, body: dict[str, Any], status: int, code: str) -> None:
    answer = deposit(api, uid, **body)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert api.asset("USDT") == (Decimal("100000"), 0)
    assert api.ok("GET", BILLS, "") == []


def test_internal_withdrawal_is_a_deposit_for_the_receiver(api: Api) -> None:
    sent = api.ok("POST", "/api/v2/spot/wallet/withdrawal", {"coin": "USDT", "transferType": "internal_transfer",
                                                              "address": OTHER_UID, "size": "25"})
    app = api.app
    received = app.services.exchange.wallet.deposit_records(OTHER_UID, None, api.now - 1, api.now, None, 10)
    assert [(d.oid, d.dest, d.from_address, d.to_address, d.size) for d in received] == [
        (int(sent["orderId"]), "internal_transfer", MAIN_UID, OTHER_UID, Decimal(25))]


# -- transfer records ------------------------------------------------------------------------
def test_transfer_records_list_what_moved(api: Api) -> None:
    out = api.ok("POST", TRANSFER, {"fromType": "spot", "toType": "usdt_futures", "amount": "70", "coin": "USDT",
                                    "clientOid": "mine-1"})
    api.ok("POST", TRANSFER, {"fromType": "usdt_futures", "toType": "spot", "amount": "20", "coin": "USDT"})
    iso = api.ok("POST", TRANSFER, {"fromType": "spot", "toType": "isolated_margin", "amount": "5", "coin": "USDT",
                                    "symbol": "btcusdt"})
    api.ok("POST", TRANSFER, {"fromType": "spot", "toType": "coin_futures", "amount": "0.1", "coin": "BTC"})
    rows = api.ok("GET", TRANSFERS, "coin=USDT&fromType=spot")
    assert [r["transferId"] for r in rows] == [iso["transferId"], out["transferId"]]
    assert rows[1] == {"coin": "USDT", "status": "Successful", "toType": "usdt_futures", "toSymbol": "",
                       "fromType": "spot", "fromSymbol": "", "size": "70", "ts": str(api.now),
                       "clientOid": "mine-1", "transferId": out["transferId"]}
    assert (rows[0]["toSymbol"], rows[0]["fromSymbol"], rows[0]["clientOid"]) == ("BTCUSDT", "", "")
    assert [r["size"] for r in api.ok("GET", TRANSFERS, "coin=usdt&fromType=USDT_FUTURES")] == ["20"]
    assert api.ok("GET", TRANSFERS, "coin=USDT&fromType=spot&clientOid=mine-1") == [rows[1]]
    assert api.ok("GET", TRANSFERS, "coin=USDT&fromType=spot&limit=1") == rows[:1]
    assert api.ok("GET", TRANSFERS, f"coin=USDT&fromType=spot&idLessThan={iso['transferId']}") == rows[1:]
    assert api.ok("GET", TRANSFERS, f"coin=USDT&fromType=spot&endTime={api.now - 1}") == []
    for query, code in (("fromType=spot", "40019"), ("coin=USDT", "40019"), ("coin=USDT&fromType=moon", "40020"),
                        (f"coin=USDT&fromType=spot&startTime=0&endTime={91 * DAY}", "40020")):
        assert api.code("GET", TRANSFERS, query) == code, query


# -- bills -----------------------------------------------------------------------------------
def test_bills_record_every_spot_change_with_the_balance_after(api: Api) -> None:
    deposit(api, coin="USDT", size="1000")
    api.ok("POST", TRANSFER, {"fromType": "spot", "toType": "usdt_futures", "amount": "300", "coin": "USDT"})
    api.place(side="buy", orderType="market", size="200")
    api.place(side="sell", orderType="market", size="0.001")
    api.ok("POST", "/api/v2/spot/wallet/withdrawal", {"coin": "USDT", "transferType": "on_chain", "chain": "ERC20",
                                                      "address": ERC20, "size": "50"})
    bills = api.ok("GET", BILLS, "")
    for b in bills:
        assert set(b) == {"cTime", "coin", "groupType", "businessType", "size", "balance", "fees", "billId",
                          "bizOrderId"}
        assert NUMBER.fullmatch(b["size"]) and NUMBER.fullmatch(b["balance"]) and NUMBER.fullmatch(b["fees"])
    assert [int(b["billId"]) for b in bills] == sorted((int(b["billId"]) for b in bills), reverse=True)
    for coin, seeded in (("USDT", "100000"), ("BTC", "2")):
        mine = [b for b in bills if b["coin"] == coin]
        assert Decimal(seeded) + sum(Decimal(b["size"]) for b in mine) == sum(api.asset(coin))
        assert Decimal(mine[0]["balance"]) == sum(api.asset(coin))
        for newer, older in itertools.pairwise(mine):  # each balance is the one before plus the change
            assert Decimal(newer["balance"]) == Decimal(older["balance"]) + Decimal(newer["size"])
    kinds = [(b["groupType"], b["businessType"]) for b in bills if b["coin"] == "USDT"]
    assert kinds == [("withdraw", "WITHDRAW"), ("transaction", "SELL"), ("transaction", "BUY"),
                     ("transfer", "TRANSFER_OUT"), ("deposit", "DEPOSIT")]
    withdrawal = bills[0]
    assert (withdrawal["size"], withdrawal["fees"]) == ("-50", "-5")  # the network fee is part of what left
    buy_btc = next(b for b in bills if b["coin"] == "BTC" and b["businessType"] == "BUY")
    assert Decimal(buy_btc["fees"]) < 0


def test_bills_filter_and_page(api: Api) -> None:
    for size in ("1", "2", "3"):
        deposit(api, coin="SOL", size=size)
    deposit(api, coin="ETH", size="1")
    api.ok("POST", TRANSFER, {"fromType": "spot", "toType": "usdt_futures", "amount": "10", "coin": "USDT"})
    sol = api.ok("GET", BILLS, "coin=sol")
    assert [b["size"] for b in sol] == ["3", "2", "1"]
    assert [b["size"] for b in api.ok("GET", BILLS, f"coin=SOL&idLessThan={sol[0]['billId']}&limit=1")] == ["2"]
    assert [b["coin"] for b in api.ok("GET", BILLS, "groupType=deposit&limit=2")] == ["ETH", "SOL"]
    legacy = api.ok("GET", BILLS, "businessType=transfer-out")
    assert legacy == api.ok("GET", BILLS, "businessType=TRANSFER_OUT") and [b["size"] for b in legacy] == ["-10"]
    assert api.ok("GET", BILLS, f"startTime={api.now + 1}") == []
    for query, code in (("businessType=moon", "40020"), ("groupType=moon", "40020"), ("limit=0", "40020"),
                        (f"startTime=0&endTime={91 * DAY}", "40020"), ("idLessThan=x", "40020")):
        assert api.code("GET", BILLS, query) == code, query


# -- batch-cancel-order ----------------------------------------------------------------------
def test_batch_cancel_cancels_each_order_on_its_own(api: Api) -> None:
    bid = Decimal(public(api, "/api/v2/spot/market/tickers", "symbol=BTCUSDT")["data"][0]["bidPr"])
    price = str((bid * Decimal("0.98")).quantize(Decimal("0.01")))
    a = api.place(side="buy", orderType="limit", price=price, size="0.001")
    b = api.place(side="buy", orderType="limit", price=price, size="0.002", clientOid="keep-b")
    e = api.place(symbol="ETHUSDT", side="sell", orderType="limit", force="gtc", price="99999", size="0.01")
    frozen = api.asset("USDT")[1]
    data = api.ok("POST", "/api/v2/spot/trade/batch-cancel-order", {"symbol": "BTCUSDT", "orderList": [
        {"orderId": a["orderId"]}, {"clientOid": "keep-b"}, {"orderId": "1234567890123456789"}, {"symbol": "x"},
        {"orderId": e["orderId"]}]})
    assert data["successList"] == [{"orderId": a["orderId"], "clientOid": a["clientOid"]},
                                   {"orderId": b["orderId"], "clientOid": "keep-b"}]
    assert [(f["orderId"], f["errorCode"]) for f in data["failureList"]] == [
        ("1234567890123456789", "43001"), ("", "40019"), (e["orderId"], "43001")]  # e is on another symbol
    assert api.asset("USDT")[1] == 0 < frozen and api.order(b["orderId"])["status"] == "cancelled"
    multi = api.ok("POST", "/api/v2/spot/trade/batch-cancel-order", {"batchMode": "multiple", "orderList": [
        {"symbol": "ETHUSDT", "orderId": e["orderId"]}, {"orderId": a["orderId"]}]})
    assert [s["orderId"] for s in multi["successList"]] == [e["orderId"]]
    assert multi["failureList"][0]["errorCode"] == "40019"  # multiple mode needs each item's symbol
    for body, code in (({"symbol": "BTCUSDT"}, "40019"), ({"symbol": "NOPE", "orderList": [{"orderId": "1"}]}, "40034"),
                       ({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}] * 51}, "40306"),
                       ({"symbol": "BTCUSDT", "orderList": "x"}, "40020")):
        assert api.code("POST", "/api/v2/spot/trade/batch-cancel-order", body) == code, body


# -- rate limits -----------------------------------------------------------------------------
def test_endpoints_outside_the_spec_table_get_the_decisions_defaults() -> None:
    """docs/rules.md#rate-limits: an endpoint no source gives a limit gets 10/s by UID if private, 20/s by IP
    if public (whatever its own doc page says)."""
    table = endpoint_limits()
    expected = {HISTORY: (20, IP), HISTORY_CANDLES: (20, IP), RATE: (10, UID), ADDRESS: (10, UID),
                DEPOSITS: (10, UID), TRANSFERS: (10, UID), BILLS: (10, UID),
                "/api/v2/spot/trade/batch-cancel-order": (10, UID),
                "/api/v2/spot/trade/cancel-symbol-order": (10, UID)}
    for path, (count, basis) in expected.items():
        row = table[path]
        assert (row.count, row.window_ms, row.basis) == (count, 1000, basis), path


# -- the reference client ------------------------------------------------------------------------
def test_reference_client_reads_the_new_endpoints(api: Api) -> None:
    deposit(api, coin="ETH", size="2")
    vt = VirtualTime(api.app)

    async def run() -> list[Any]:
        async with asgi_client(api.app, vt) as c:
            return [await c.fills_history("BTCUSDT", limit=2), await c.history_candles("BTCUSDT", "1h", vt.now(), 2),
                    await c.trade_rate("BTCUSDT", "spot"), await c.deposit_address("ETH"),
                    await c.deposit_records(vt.now() - DAY, vt.now()), await c.transfer_records("USDT", "spot"),
                    await c.bills(coin="ETH")]

    trades, candles, rate, address, deposits, transfers, bills = asyncio.run(run())
    assert len(trades) == len(candles) == 2 and rate["takerFeeRate"] == "0.001"
    assert address["chain"] == "ERC20" and deposits[0]["toAddress"] == address["address"]
    assert transfers == [] and [b["businessType"] for b in bills] == ["DEPOSIT"]
