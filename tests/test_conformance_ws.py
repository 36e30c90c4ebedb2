"""The WS checks: the reference client passes them, ccxt's adapter skips them with its reason, and each
broken socket client fails exactly the checks aimed at what it breaks."""

from __future__ import annotations

import pytest

from conformance.adapters.base import Adapter
from conformance.adapters.reference import ReferenceAdapter
from conformance.checks import websocket

from .conformance_support import VirtualMock, failed, statuses
from .conformance_ws_support import (
    FloodingAdapter,
    MillisecondLoginAdapter,
    NoChecksumAdapter,
    NoReconnectAdapter,
    SilentAdapter,
    WrongLoginSignAdapter,
)

WS = ["WS-*"]


def test_the_reference_client_passes_every_ws_check(vm: VirtualMock) -> None:
    result = vm.run(ReferenceAdapter, WS)
    assert statuses(result) == {f"WS-00{i}": "pass" for i in range(1, 7)}, \
        {v.check.id: v.message for v in result.verdicts}


@pytest.mark.parametrize(("adapter", "patterns", "expected"), [
    (WrongLoginSignAdapter, ["WS-001", "WS-002"], {"WS-001"}),
    (MillisecondLoginAdapter, ["WS-001", "WS-002"], {"WS-001", "WS-002"}),
    (NoReconnectAdapter, ["WS-004"], {"WS-004"}),
    (NoChecksumAdapter, ["WS-005"], {"WS-005"}),
    (FloodingAdapter, ["WS-006"], {"WS-006"}),
])
def test_a_broken_socket_client_fails_the_check_aimed_at_its_bug(vm: VirtualMock, adapter: type[ReferenceAdapter],
                                                                 patterns: list[str], expected: set[str]) -> None:
    result = vm.run(adapter, patterns)
    assert failed(result) == expected, {v.check.id: v.message for v in result.verdicts}
    assert all(v.message for v in result.verdicts if v.check.id in expected)


def test_a_client_that_never_pings_fails_the_keep_alive_check(vm: VirtualMock,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(websocket, "KEEPALIVE_S", 1.5)  # the check's 30 s, shortened for the suite
    result = vm.run(SilentAdapter, ["WS-003"])
    assert failed(result) == {"WS-003"} and "ping" in result.verdicts[0].message


def test_an_adapter_without_sockets_skips_the_ws_checks(vm: VirtualMock) -> None:
    class NoSockets(ReferenceAdapter):
        name = "no-sockets"
        open_socket = Adapter.open_socket  # the protocol's default: Unsupported

    result = vm.run(NoSockets, WS)
    assert set(statuses(result).values()) == {"skip"}
    assert all("open_socket" in v.message for v in result.verdicts)
