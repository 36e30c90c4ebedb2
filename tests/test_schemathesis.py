"""Schemathesis over every Bitget endpoint of the mock: no 500, only documented statuses and content types,
and every answer in the shape its declaration gives (bounded examples; bench/schemathesis_campaign.py runs
a longer campaign)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

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
