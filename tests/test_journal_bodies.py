"""The journal keeps each request's headers, body and answer (bounded) and shows every secret masked."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_exchange.faults import ConnectionDropped
from mock_exchange.journal import BODY_LIMIT, MASK, Journal

from .helpers import PASSPHRASE, SECRET, call, make_app, signed_headers

PLACE = "/api/v2/spot/trade/place-order"


def test_a_signed_post_is_journaled_with_headers_body_and_answer() -> None:
    app = make_app()
    body = json.dumps({"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "10"})
    answer = call(app, "POST", PLACE, headers=signed_headers("POST", PLACE, body=body), body=body)
    entry = app.services.journal.newest(1)[0]
    assert entry["body"] == body and entry["bodyBytes"] == len(body)
    assert entry["answer"] == answer.body.decode() and entry["answerBytes"] == len(answer.body)
    headers = dict((k, v) for k, v in entry["headers"])
    assert headers["access-passphrase"] == MASK and headers["content-type"] == "application/json"
    assert headers["access-sign"] == signed_headers("POST", PLACE, body=body)["ACCESS-SIGN"]
    assert not any(k.startswith("_") for k in entry)


def test_secrets_sent_anywhere_are_masked_in_query_body_and_headers() -> None:
    app = make_app()
    query = f"symbol=BTCUSDT&secret={SECRET}&pass={PASSPHRASE}"
    call(app, "GET", "/api/v2/spot/market/tickers", query.encode(), headers={"X-Leak": SECRET},
         body=f'{{"k":"{SECRET}"}}')
    shown = json.dumps(app.services.journal.newest(1)[0])
    assert SECRET not in shown and PASSPHRASE not in shown
    assert f"secret={MASK}&pass={MASK}" in shown


def test_bodies_are_bounded_but_counted() -> None:
    app = make_app()
    body = "x" * (BODY_LIMIT * 3)
    call(app, "POST", PLACE, headers=signed_headers("POST", PLACE, body=body), body=body)
    entry = app.services.journal.newest(1)[0]
    assert len(entry["body"]) == BODY_LIMIT and entry["bodyBytes"] == len(body)


@settings(max_examples=50)
@given(secret=st.text(min_size=4, max_size=20), before=st.text(max_size=10), after=st.text(max_size=10))
def test_masking_leaves_no_known_secret_in_what_is_shown(secret: str, before: str, after: str) -> None:
    journal = Journal(5, lambda: [secret])
    raw = (before + secret + after).encode()
    journal.record({"ts": 0, "method": "GET", "path": "/", "query": raw.decode("latin-1"), "ip": "", "status": 200,
                    "code": None, "uid": None, "key": None, "apiKey": None, "bucket": None,
                    "_body": raw, "_answer": raw, "_headers": [(b"x", raw)]})
    shown = journal.newest(1)[0]
    for text in (shown["body"], shown["answer"], shown["headers"][0][1]):
        assert secret not in text


TICKERS = "/api/v2/spot/market/tickers"


@pytest.mark.parametrize("kind", ["status", "html", "truncated", "malformed"])
def test_the_answer_a_fault_sends_is_the_one_journaled(kind: str) -> None:
    app = make_app()
    app.services.faults.add({"rules": [{"path": TICKERS, "kind": kind, "phase": "after"}]})
    answer = call(app, "GET", TICKERS, b"symbol=BTCUSDT")
    entry = app.services.journal.newest(1)[0]
    assert entry["status"] == answer.status_code and "fault" in entry
    assert entry["answer"].encode() == answer.body[:BODY_LIMIT] and entry["answerBytes"] == len(answer.body)


def test_a_dropped_answer_leaves_none_in_the_journal() -> None:
    app = make_app()
    app.services.faults.add({"rules": [{"path": TICKERS, "kind": "drop", "phase": "after"}]})
    with pytest.raises(ConnectionDropped):
        call(app, "GET", TICKERS, b"symbol=BTCUSDT")
    entry = app.services.journal.newest(1)[0]
    assert entry["status"] is None and "answer" not in entry and "answerBytes" not in entry


def test_a_global_429_is_journaled_with_its_answer() -> None:
    app = make_app(global_limit=1)
    call(app, "GET", TICKERS, b"symbol=BTCUSDT")
    answer = call(app, "GET", TICKERS, b"symbol=BTCUSDT")
    entry = app.services.journal.newest(1)[0]
    assert answer.status_code == 429 and entry["bucket"] == "global ip:127.0.0.1"
    assert json.loads(entry["answer"])["code"] == "429" and entry["answerBytes"] == len(answer.body)


def test_a_secret_in_the_path_is_masked_too() -> None:
    journal = Journal(5, lambda: ["s3cretPassphrase"])
    journal.record({"ts": 0, "method": "GET", "path": "/api/v2/s3cretPassphrase/x", "query": "", "ip": "",
                    "status": 404, "code": None, "uid": None, "key": None, "apiKey": None, "bucket": None})
    assert journal.newest(1)[0]["path"] == "/api/v2/***/x"
