"""Schemathesis over every Bitget endpoint of the mock: no 500, only documented statuses and content types,
and every answer in the shape its declaration gives (bounded examples; bench/schemathesis_campaign.py runs
a longer campaign)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from mock_exchange.admin_routes import ADMIN_ROUTES
from mock_exchange.ws.admin import WS_ADMIN_ROUTES

from .helpers import make_app, seed_accounts
from .schemathesis_support import CHECKS, load

pytestmark = pytest.mark.long  # every operation, several examples each

APP = make_app(accounts=seed_accounts(ips=("testclient",)), rate_limits="off")
SCHEMA = load(APP)


OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_every_endpoint_conforms(operation: Any) -> None:
    """One test per operation (pytest's own ids: `@schema.parametrize()` gives every item the same node id,
    which xdist's file-scoped scheduling would collapse into one)."""

    @given(case=operation.as_strategy())
    @settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def conforms(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    conforms()


def test_the_signing_hook_gets_requests_past_authentication() -> None:
    """Without the hook every private call would be refused before its handler; with it, one succeeds."""
    op = SCHEMA["/api/v2/spot/account/assets"]["GET"]
    answer = op.Case(query={}).call()
    assert answer.status_code == 200 and answer.json()["code"] == "00000"


def _admin(app: Any) -> Any:
    """The admin API's operations, the socket admin's (/_mock/ws/) included, from the same description."""
    return schemathesis.openapi.from_asgi("/_mock/openapi.json", app).include(path_regex=r"^/_mock/")


ADMIN_OPERATIONS = [(op.method.upper(), op.path) for op in (r.ok() for r in _admin(APP).get_all_operations())]


@pytest.mark.parametrize(("method", "path"), ADMIN_OPERATIONS, ids=[f"{m} {p}" for m, p in ADMIN_OPERATIONS])
def test_every_admin_route_conforms(method: str, path: str) -> None:
    """A fresh mock per route: the admin API resets, reseeds and reconfigures the mock (accounts, keys, clock,
    faults), so one route's generated requests must not meet the state another route's left behind."""
    operation = _admin(make_app(rate_limits="off"))[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def conforms(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    conforms()


def test_the_admin_run_covers_every_declared_admin_route() -> None:
    assert sorted(ADMIN_OPERATIONS) == sorted((r.method, "/_mock" + r.path) for r in ADMIN_ROUTES + WS_ADMIN_ROUTES)
