"""The limits: each endpoint's declared row, the defaults, the overrides, and that the app follows them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mock_exchange import app as app_module
from mock_exchange.cli import main
from mock_exchange.endpoint import get
from mock_exchange.ratelimit.limits import IP, UID, Limit, LimitTable, load_table, parse_overrides
from mock_exchange.routes import ENDPOINTS, endpoint_limits

from .helpers import call, make_app

# docs/rules.md#rate-limits: the doc's value where it and the SDKs disagree
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


def test_every_served_row_of_section_5_is_declared_per_second() -> None:
    table = endpoint_limits()
    served = [path for path in SECTION_5 if path in table]
    assert len(served) >= len(SECTION_5) - 1  # futures place-order joins when it is served
    for path in served:
        count, basis = SECTION_5[path]
        assert table[path] == Limit(count, 1000, basis), path


def test_every_served_endpoint_resolves_and_private_ones_are_never_by_ip_by_accident() -> None:
    table = LimitTable()
    for ep in ENDPOINTS:
        limit = table.limit_for(ep.path, ep.limit)
        assert limit.count >= 1 and limit.window_ms >= 1
        assert limit == ep.limit
        if not ep.private:
            assert limit.basis == IP, ep.path


def test_defaults_for_declarations_without_a_limit() -> None:
    assert get("/api/v2/not/documented", lambda svc, req: None, private=True).limit == Limit(10, 1000, UID)
    assert get("/api/v2/not/documented", lambda svc, req: None).limit == Limit(20, 1000, IP)


def test_overrides_change_single_fields_of_single_rows() -> None:
    overrides = parse_overrides({"/api/v2/public/time": {"count": 2}, "/new": {"window_ms": 60_000}})
    table = LimitTable(overrides=overrides)
    declared = endpoint_limits()
    assert table.limit_for("/api/v2/public/time", declared["/api/v2/public/time"]) == Limit(2, 1000, IP)
    assert table.limit_for("/new", Limit(10, 1000, UID)) == Limit(10, 60_000, UID)
    coins = declared["/api/v2/spot/public/coins"]
    assert table.limit_for("/api/v2/spot/public/coins", coins) == coins


def test_settings_off_bitget_and_file(tmp_path: Path) -> None:
    assert load_table("off") is None and load_table("OFF") is None
    assert load_table("bitget") == LimitTable()
    f = tmp_path / "t.toml"
    f.write_text('["/api/v2/spot/trade/place-order"]\nbasis = "ip"\n', encoding="utf-8")
    table = load_table(str(f))
    assert table is not None
    assert table.limit_for("/api/v2/spot/trade/place-order", Limit(10, 1000, UID)) == Limit(10, 1000, IP)


def test_changing_a_declared_limit_changes_the_behaviour(monkeypatch: pytest.MonkeyPatch) -> None:
    patched = tuple(replace(ep, limit=Limit(1, 1000, IP)) if ep.path == "/api/v2/public/time" else ep
                    for ep in ENDPOINTS)
    monkeypatch.setattr(app_module, "ENDPOINTS", patched)
    app = make_app()
    assert [call(app, "GET", "/api/v2/public/time").status for _ in range(2)] == [200, 429]


def test_cli_refuses_a_bad_limits_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.toml"
    assert main(["serve", "--rate-limits", str(missing), "--port", "0"]) == 2
    assert "cannot read" in capsys.readouterr().err
