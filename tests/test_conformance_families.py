"""The HDR, SECRET and RETRY families: each check fails for the client bug it is aimed at and for no other,
a client that is correct in an unusual way passes them, and portability warnings reach every report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conformance.adapters.base import Adapter
from conformance.adapters.reference import ReferenceAdapter
from conformance.checks import CATALOGUE
from conformance.checks.base import Status
from conformance.checks.secrets import _leaks
from conformance.report import junit_xml, verdict_line
from conformance.report_html import html_report
from conformance.report_json import json_report

from .conformance_support import (
    BatchResendAdapter,
    CancelResendAdapter,
    CancelSwallowAdapter,
    EncodedSignatureAdapter,
    LeakyLogAdapter,
    NoContentTypeAdapter,
    NoLookupAdapter,
    PassphraseInBodyAdapter,
    RepeatedHeaderAdapter,
    ResendWithoutLookupAdapter,
    TimeoutResendAdapter,
    TolerantHeadersAdapter,
    VirtualMock,
    failed,
    statuses,
)

FAMILIES = ["HDR-*", "SECRET-*"]
TIMEOUTS = ["RETRY-001", "RETRY-002"]  # about a second each: the mock holds the answer in real time
LOST_ANSWERS = ["RETRY-003", "RETRY-004", "RETRY-005"]


def _why(result: object) -> dict[str, str]:
    return {v.check.id: v.message for v in result.verdicts}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("adapter", "patterns", "expected"), [
    (NoContentTypeAdapter, FAMILIES, {"HDR-001"}),
    (RepeatedHeaderAdapter, FAMILIES, {"HDR-002"}),
    (PassphraseInBodyAdapter, FAMILIES, {"SECRET-001"}),
    (LeakyLogAdapter, FAMILIES, {"SECRET-002"}),
    (TimeoutResendAdapter, TIMEOUTS, {"RETRY-001"}),
    (ResendWithoutLookupAdapter, TIMEOUTS, {"RETRY-002"}),
    (BatchResendAdapter, LOST_ANSWERS, {"RETRY-003"}),
    (CancelResendAdapter, LOST_ANSWERS, {"RETRY-004"}),
    (CancelSwallowAdapter, LOST_ANSWERS, {"RETRY-005"}),
])
def test_each_new_check_fails_for_its_bug_and_only_that_one(vm: VirtualMock, adapter: type[ReferenceAdapter],
                                                            patterns: list[str], expected: set[str]) -> None:
    result = vm.run(adapter, patterns)
    assert failed(result) == expected, _why(result)
    assert set(statuses(result).values()) <= {"pass", "fail"}, _why(result)
    assert all(v.message for v in result.verdicts if v.check.id in expected)


def test_headers_the_exchange_ignores_are_tolerated(vm: VirtualMock) -> None:
    """`locale: zh-CN`, and public calls without any ACCESS-* header, pass the header checks."""
    result = vm.run(TolerantHeadersAdapter, FAMILIES)
    assert failed(result) == set(), _why(result)
    public = [e for e in vm.server.journal() if e["path"] == "/api/v2/spot/market/tickers"]
    assert public and not any(n.lower().startswith("access-") for n, _ in public[-1]["headers"])
    assert ["locale", "zh-CN"] in public[-1]["headers"]


def test_the_report_never_shows_a_leaked_secret(vm: VirtualMock) -> None:
    result = vm.run(LeakyLogAdapter, ["SECRET-002"])
    creds = vm.server.credentials
    for text in (result.verdicts[0].message, junit_xml(result).decode(), html_report(result)):
        assert creds.passphrase not in text and creds.secret_key not in text
    assert "passphrase" in result.verdicts[0].message and "***" in result.verdicts[0].message


def test_a_client_without_the_optional_operations_skips_only_those_checks(vm: VirtualMock) -> None:
    class Bare(NoLookupAdapter):
        place_limit_orders = Adapter.place_limit_orders  # the defaults: Unsupported
        request_log = Adapter.request_log
        set_timeout = Adapter.set_timeout

    result = vm.run(Bare, ["SECRET-002", "RETRY-001", "RETRY-003", "RETRY-004"])
    assert statuses(result) == {"SECRET-002": "skip", "RETRY-001": "skip", "RETRY-003": "skip",
                                "RETRY-004": "pass"}, _why(result)


# -- portability warnings -------------------------------------------------------------------------------
def test_a_signature_over_the_encoded_query_passes_with_a_warning_in_every_format(vm: VirtualMock) -> None:
    """A client that signs the query as sent, percent-encoded: the mock accepts it, the real exchange
    verifies the decoded query (ccxt#28888). SIGN-004 passes, with a warning in each report."""
    result = vm.run(EncodedSignatureAdapter, ["SIGN-003", "SIGN-004"])
    plain, encoded = result.verdicts
    assert (plain.status, plain.warnings) == (Status.PASS, [])
    assert encoded.status is Status.PASS and len(encoded.warnings) == 1
    warning = encoded.warnings[0]
    assert "%E9%BE%99" in warning and "40009" in warning and "ccxt#28888" in warning
    assert warning in verdict_line(encoded)
    case = next(c for c in ET.fromstring(junit_xml(result)).iter("testcase")
                if c.get("name", "").startswith("SIGN-004"))
    assert case.find("failure") is None
    assert [p.get("value") for p in case.iter("property") if p.get("name") == "warning"] == [warning]
    assert warning in (case.findtext("system-out") or "")
    page = html_report(result)
    assert 'class="warn"' in page and "%E9%BE%99" in page
    checks = {c["id"]: c for c in json.loads(json_report(result))["checks"]}
    assert checks["SIGN-004"]["warnings"] == [warning] and checks["SIGN-003"]["warnings"] == []
    assert result.exit_code(strict=True) == 0


def test_a_signature_over_the_decoded_query_has_no_warning(vm: VirtualMock) -> None:
    """The reference client signs the decoded query, as Bitget verifies it."""
    result = vm.run(ReferenceAdapter, ["SIGN-004", "SIGN-007"])
    assert [(v.status.value, v.warnings) for v in result.verdicts] == [("pass", []), ("pass", [])], _why(result)


def test_the_new_families_are_in_the_catalogue() -> None:
    ids = {c.id for c in CATALOGUE}
    assert {"HDR-001", "HDR-002", "SECRET-001", "SECRET-002", *TIMEOUTS, *LOST_ANSWERS} <= ids


SIGN = "q5fU2+Zk0i/8hPqWkVb0mQ3y1r7P6o5x4w3v2u1t0s8="


def _entry(query: str = "", body: str = "", headers: tuple[tuple[str, str], ...] = ()) -> dict[str, object]:
    return {"method": "POST", "path": "/api/v2/spot/trade/place-order", "query": query, "body": body,
            "headers": [["access-sign", SIGN], ["access-passphrase", "***"], *map(list, headers)]}


@pytest.mark.parametrize(("entry", "found"), [
    (_entry(body='{"symbol":"BTCUSDT"}'), []),
    (_entry(query="sign=" + SIGN.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")),
     ["the signature in the query"]),
    (_entry(body='{"sig":"' + SIGN + '"}'), ["the signature in the body"]),
    (_entry(query="secret=***"), ["a secret or passphrase in the query"]),
    (_entry(headers=(("x-api-secret", "***"),)), ["a secret or passphrase in header x-api-secret"]),
])
def test_secret_001_finds_each_kind_of_leak(entry: dict[str, object], found: list[str]) -> None:
    assert _leaks(entry) == found  # type: ignore[arg-type]
