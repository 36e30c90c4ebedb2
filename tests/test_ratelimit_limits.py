"""The one table of limits: its rows, its defaults, its overrides, and that the app follows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_exchange.cli import main
from mock_exchange.ratelimit import limits
from mock_exchange.ratelimit.limits import BITGET_LIMITS, IP, UID, Limit, LimitTable, load_table, parse_overrides
from mock_exchange.routes import ENDPOINTS

from .helpers import call, make_app

# bitget-v2.md section 5, the doc's value where it and the SDKs disagree (DECISIONS.md)
SECTION_5 = {
    "/api/v2/public/time": (20, IP), "/api/v2/spot/public/coins": (3, IP),
    "/api/v2/spot/public/symbols": (20, IP), "/api/v2/spot/market/tickers": (20, IP),
    "/api/v2/spot/market/orderbook": (20, IP), "/api/v2/spot/market/candles": (20, IP),
    "/api/v2/spot/market/fills": (10, IP), "/api/v2/spot/account/info": (1, UID),
    "/api/v2/spot/account/assets": (10, UID), "/api/v2/spot/trade/place-order": (10, UID),
    "/api/v2/spot/trade/cancel-order": (10, UID), "/api/v2/spot/trade/batch-orders": (5, UID),
    "/api/v2/spot/trade/orderInfo": (20, UID), "/api/v2/spot/trade/unfilled-orders": (20, UID),
    "/api/v2/spot/trade/history-orders": (20, UID), "/api/v2/spot/trade/fills": (10, UID),
    "/api/v2/spot/wallet/transfer": (10, UID), "/api/v2/spot/wallet/withdrawal": (5, UID),
    "/api/v2/mix/market/contracts": (20, IP), "/api/v2/mix/account/accounts": (10, UID),
    "/api/v2/mix/order/place-order": (10, UID),
}


def test_table_has_every_row_of_section_5_per_second() -> None:
    for path, (count, basis) in SECTION_5.items():
        assert BITGET_LIMITS[path] == Limit(count, 1000, basis), path


def test_every_served_endpoint_resolves_and_private_ones_are_never_by_ip_by_accident() -> None:
    table = LimitTable()
    for ep in ENDPOINTS:
        limit = table.limit_for(ep.path, ep.private)
        assert limit.count >= 1 and limit.window_ms >= 1
        if ep.path in BITGET_LIMITS:
            assert limit == BITGET_LIMITS[ep.path]
        if not ep.private:
            assert limit.basis == IP, ep.path


def test_defaults_for_paths_without_a_row() -> None:
    table = LimitTable()
    assert table.limit_for("/api/v2/not/in/table", private=True) == Limit(10, 1000, UID)
    assert table.limit_for("/api/v2/not/in/table", private=False) == Limit(20, 1000, IP)


def test_overrides_change_single_fields_of_single_rows() -> None:
    overrides = parse_overrides({"/api/v2/public/time": {"count": 2}, "/new": {"window_ms": 60_000}})
    table = LimitTable(overrides=overrides)
    assert table.limit_for("/api/v2/public/time", False) == Limit(2, 1000, IP)
    assert table.limit_for("/new", True) == Limit(10, 60_000, UID)
    assert table.limit_for("/api/v2/spot/public/coins", False) == BITGET_LIMITS["/api/v2/spot/public/coins"]


def test_settings_off_bitget_and_file(tmp_path: Path) -> None:
    assert load_table("off") is None and load_table("OFF") is None
    assert load_table("bitget") == LimitTable()
    f = tmp_path / "t.toml"
    f.write_text('["/api/v2/spot/trade/place-order"]\nbasis = "ip"\n', encoding="utf-8")
    table = load_table(str(f))
    assert table is not None
    assert table.limit_for("/api/v2/spot/trade/place-order", True) == Limit(10, 1000, IP)


def test_changing_a_number_in_the_table_changes_the_behaviour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(limits.BITGET_LIMITS, "/api/v2/public/time", Limit(1, 1000, IP))
    app = make_app()
    assert [call(app, "GET", "/api/v2/public/time").status for _ in range(2)] == [200, 429]


def test_cli_refuses_a_bad_limits_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.toml"
    assert main(["serve", "--rate-limits", str(missing), "--port", "0"]) == 2
    assert "cannot read" in capsys.readouterr().err
