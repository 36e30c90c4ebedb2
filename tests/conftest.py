"""Fixtures: an in-process mock on a manual clock, and the in-process driver on it (tests/helpers.py)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from mock_exchange.app import MockExchange

from .conformance_support import VirtualMock
from .helpers import InProcess, make_app

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def app() -> MockExchange:
    return make_app()


@pytest.fixture
def client(app: MockExchange) -> InProcess:
    return InProcess(app)


@pytest.fixture(scope="module")
def vm() -> Iterator[VirtualMock]:
    """A mock on virtual time behind a real socket, one per test module (the conformance tests)."""
    mock = VirtualMock()
    with mock.server:
        yield mock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "long: takes seconds of wall time (sockets, subprocesses, real waits); "
                                       "its file is scheduled first so that it does not end the run on one worker")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding a `long` test first, the rest in their usual order (stable). The suite runs with
    `--dist loadfile --no-loadscope-reorder`: xdist hands out whole files in this order to whichever worker
    is free, so the long files start at once on both workers and the short ones fill in around them."""
    twice = sorted(nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1)
    if twice:  # xdist's file-scoped scheduling keeps one test per node id: the others would silently not run
        raise pytest.UsageError(f"tests share a node id (give them distinct ids): {twice[:5]}")
    long_files = {item.path for item in items if item.get_closest_marker("long") is not None}
    items.sort(key=lambda item: item.path not in long_files)
