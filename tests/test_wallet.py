"""Wallet endpoints: transfers (idempotent by clientOid) that the futures accounts reflect, and
withdrawals with their checks, fee, records and the key rules they need."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from mock_exchange.app import MockExchange
from mock_exchange.state.seed import AccountSeed, KeySeed

from .helpers import ALL_PERMISSIONS, API_KEY, BALANCES, PASSPHRASE, SECRET, UID, make_app, seed_accounts
from .trading_support import ERC20, TRC20, Api

TRANSFER = "/api/v2/spot/wallet/transfer"
WITHDRAW = "/api/v2/spot/wallet/withdrawal"
RECORDS = "/api/v2/spot/wallet/withdrawal-records"
MIX = "/api/v2/mix/account/accounts"
OTHER_UID = "1000000002"


@pytest.fixture
def api() -> Api:
    other = AccountSeed(OTHER_UID, {"USDT": "5"}, ())
    return Api(make_app(accounts=[*seed_accounts(ips=("127.0.0.1",)), other]))


def _usdt_futures(api: Api) -> dict[str, str]:
    rows = api.ok("GET", MIX, "productType=USDT-FUTURES")
    assert [r["marginCoin"] for r in rows] == ["USDT"]
    row: dict[str, str] = rows[0]
    return row


def test_transfer_moves_coins_and_the_futures_account_shows_them(api: Api) -> None:
    data = api.ok("POST", TRANSFER, {"fromType": "spot", "toType": "usdt_futures", "amount": "1500",
                                     "coin": "USDT", "clientOid": "t1"})
    assert re.fullmatch(r"[0-9]{18,19}", data["transferId"]) and data["clientOid"] == "t1"
    assert api.asset("USDT") == (Decimal("98500"), 0)
    row = _usdt_futures(api)
    assert (row["available"], row["maxTransferOut"], row["accountEquity"], row["usdtEquity"]) == (
        "1500", "1500", "1500", "1500")
    assert row["unrealizedPL"] == "0" and row["assetList"] == [{"coin": "USDT", "balance": "1500"}]
    assert api.ok("GET", MIX, "productType=SUSDT-FUTURES") == [row]  # demo product types map onto real ones
    back = api.ok("POST", TRANSFER, {"fromType": "USDT_FUTURES", "toType": "spot", "amount": 500, "coin": "usdt"})
    assert back["clientOid"] is None and _usdt_futures(api)["available"] == "1000"
    assert api.asset("USDT") == (Decimal("99000"), 0)


def test_duplicate_transfer_client_oid_returns_the_first_result_and_moves_once(api: Api) -> None:
    body = {"fromType": "spot", "toType": "coin_futures", "amount": "0.5", "coin": "BTC", "clientOid": "same"}
    first = api.ok("POST", TRANSFER, body)
    assert api.ok("POST", TRANSFER, dict(body, amount="1")) == first
    assert api.asset("BTC") == (Decimal("1.5"), 0)
    coins = {r["marginCoin"]: r["available"] for r in api.ok("GET", MIX, "productType=COIN-FUTURES")}
    assert coins == {"BTC": "0.5", "ETH": "0", "USDT": "0"}


@pytest.mark.parametrize(("body", "code"), [
    ({"fromType": "spot", "toType": "spot", "amount": "1", "coin": "USDT"}, "40020"),
    ({"fromType": "spot", "toType": "usdt_futures", "amount": "1", "coin": "BTC"}, "43129"),
    ({"fromType": "spot", "toType": "usdt_futures", "amount": "1", "coin": "NOPE"}, "43129"),
    ({"fromType": "spot", "toType": "usdt_futures", "amount": "200000", "coin": "USDT"}, "43012"),
    ({"fromType": "spot", "toType": "isolated_margin", "amount": "1", "coin": "USDT"}, "40019"),
    ({"fromType": "spot", "toType": "isolated_margin", "amount": "1", "coin": "USDT", "symbol": "SOLUSDT"}, "40034"),
    ({"fromType": "spot", "toType": "moon", "amount": "1", "coin": "USDT"}, "40020"),
    ({"fromType": "spot", "toType": "p2p", "amount": "0", "coin": "USDT"}, "40020"),
    ({"fromType": "spot", "toType": "p2p", "amount": "1.000000001", "coin": "USDT"}, "40020"),
    ({"fromType": "spot", "toType": "p2p", "amount": "1", "coin": "USDT", "clientOid": "bad oid"}, "40304"),
    ({"toType": "p2p", "amount": "1", "coin": "USDT"}, "40019"),
])
def test_bad_transfers_get_their_code_and_move_nothing(api: Api, body: dict[str, str], code: str) -> None:
    assert api.code("POST", TRANSFER, body) == code
    assert api.asset("USDT") == (Decimal("100000"), 0)
    assert _usdt_futures(api)["available"] == "0"


def test_isolated_margin_transfer_needs_a_margin_symbol_holding_the_coin(api: Api) -> None:
    api.ok("POST", TRANSFER, {"fromType": "spot", "toType": "isolated_margin", "amount": "10", "coin": "USDT",
                              "symbol": "BTCUSDT"})
    assert api.code("POST", TRANSFER, {"fromType": "spot", "toType": "isolated_margin", "amount": "1",
                                       "coin": "SOL", "symbol": "BTCUSDT"}) == "43129"


def test_withdrawal_charges_fee_inside_size_and_records_move_from_pending_to_success(api: Api) -> None:
    placed = api.ok("POST", WITHDRAW, {"coin": "USDT", "transferType": "on_chain", "chain": "trc20",
                                       "address": TRC20, "size": "100"})
    assert re.fullmatch(r"[0-9]{18,19}", placed["orderId"]) and placed["clientOid"]
    assert api.asset("USDT") == (Decimal("99900"), 0)
    window = f"startTime={api.now - 1000}&endTime={api.now + 1000}"
    [record] = api.ok("GET", RECORDS, window)
    assert set(record) == {"orderId", "tradeId", "coin", "dest", "clientOid", "type", "tag", "size", "fee", "status",
                           "toAddress", "fromAddress", "confirm", "chain", "cTime", "uTime"}
    assert (record["orderId"], record["coin"], record["size"], record["fee"], record["chain"]) == (
        placed["orderId"], "USDT", "100", "-1", "TRC20")
    assert (record["status"], record["type"], record["dest"], record["toAddress"]) == (
        "pending", "withdraw", "on_chain", TRC20)
    api.advance(60_000)
    [done] = api.ok("GET", RECORDS, window)
    assert done["status"] == "success" and int(done["uTime"]) > int(done["cTime"])


@pytest.mark.parametrize(("body", "code"), [
    ({"coin": "USDT", "transferType": "on_chain", "chain": "ERC20", "address": "0x123", "size": "20"}, "40020"),
    ({"coin": "USDT", "transferType": "on_chain", "chain": "ERC20", "address": TRC20, "size": "20"}, "40020"),
    ({"coin": "USDT", "transferType": "on_chain", "chain": "SOL", "address": ERC20, "size": "20"}, "40020"),
    ({"coin": "USDT", "transferType": "on_chain", "chain": "ERC20", "address": ERC20, "size": "9"}, "40020"),
    ({"coin": "USDT", "transferType": "on_chain", "address": ERC20, "size": "20"}, "40019"),
    ({"coin": "USDT", "transferType": "on_chain", "chain": "ERC20", "address": ERC20, "size": "200000"}, "43012"),
    ({"coin": "NOPE", "transferType": "on_chain", "chain": "ERC20", "address": ERC20, "size": "20"}, "40034"),
    ({"coin": "USDT", "transferType": "teleport", "chain": "ERC20", "address": ERC20, "size": "20"}, "40020"),
    ({"coin": "USDT", "transferType": "internal_transfer", "address": "999", "size": "20"}, "40020"),
    ({"coin": "USDT", "transferType": "internal_transfer", "address": UID, "size": "20"}, "40020"),
])
def test_bad_withdrawals_get_their_code_and_move_nothing(api: Api, body: dict[str, str], code: str) -> None:
    assert api.code("POST", WITHDRAW, body) == code
    assert api.asset("USDT") == (Decimal("100000"), 0)


def test_internal_withdrawal_credits_the_other_uid_without_fee(api: Api) -> None:
    body = {"coin": "USDT", "transferType": "internal_transfer", "address": OTHER_UID, "size": "25",
            "clientOid": "w1"}
    first = api.ok("POST", WITHDRAW, body)
    assert api.ok("POST", WITHDRAW, body) == first  # same clientOid: the earlier withdrawal, not a second one
    other = api.app.services.exchange.accounts.account(OTHER_UID).balance("USDT")
    assert other.available == Decimal("30") and api.asset("USDT") == (Decimal("99975"), 0)
    [record] = api.ok("GET", RECORDS, f"startTime=0&endTime={api.now}&clientOid=w1")
    assert record["status"] == "success" and record["fee"] == "0" and record["dest"] == "internal_transfer"


def test_withdrawal_records_page_by_id_and_need_a_time_window(api: Api) -> None:
    ids = []
    for _ in range(5):
        ids.append(api.ok("POST", WITHDRAW, {"coin": "ETH", "transferType": "on_chain", "chain": "ERC20",
                                             "address": ERC20, "size": "0.1"})["orderId"])
        api.advance(1000)
    window = f"startTime=0&endTime={api.now}"
    assert [r["orderId"] for r in api.ok("GET", RECORDS, window)] == ids[::-1]
    page = api.ok("GET", RECORDS, f"{window}&limit=2&idLessThan={ids[3]}")
    assert [r["orderId"] for r in page] == [ids[2], ids[1]]
    assert [r["orderId"] for r in api.ok("GET", RECORDS, f"{window}&orderId={ids[0]}")] == [ids[0]]
    assert api.ok("GET", RECORDS, f"{window}&coin=BTC") == []
    assert api.code("GET", RECORDS, "endTime=1") == "40019"
    assert api.code("GET", RECORDS, "startTime=1") == "40019"


def _app_with_key(permissions: frozenset[str], ips: tuple[str, ...]) -> MockExchange:
    key = KeySeed(API_KEY, SECRET, PASSPHRASE, permissions, ips)
    return make_app(accounts=[AccountSeed(UID, dict(BALANCES), (key,))])


def test_withdrawal_needs_the_withdraw_permission_and_an_ip_whitelist() -> None:
    body = {"coin": "USDT", "transferType": "on_chain", "chain": "ERC20", "address": ERC20, "size": "20"}
    no_list = Api(_app_with_key(ALL_PERMISSIONS, ()))
    assert no_list.code("POST", WITHDRAW, body) == "40018"
    no_perm = Api(_app_with_key(ALL_PERMISSIONS - {"withdraw"}, ("127.0.0.1",)))
    assert no_perm.code("POST", WITHDRAW, body) == "40014"
    other_ip = Api(_app_with_key(ALL_PERMISSIONS, ("10.0.0.1",)))
    assert other_ip.code("POST", WITHDRAW, body) == "40018"
    no_transfer = Api(_app_with_key(frozenset({"read", "spot_trade"}), ()))
    assert no_transfer.code("POST", TRANSFER, {"fromType": "spot", "toType": "p2p", "amount": "1",
                                               "coin": "USDT"}) == "40014"
    assert no_transfer.code("GET", MIX) == "40019"
