"""Fixtures: an in-process mock on a manual clock, and the in-process driver on it (tests/helpers.py)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from mock_exchange.app import MockExchange

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
