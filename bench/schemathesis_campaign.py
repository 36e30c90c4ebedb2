"""A longer schemathesis campaign against the mock's own OpenAPI (the suite runs 4 examples per endpoint).

    python bench/schemathesis_campaign.py [examples per endpoint, default 200]

Prints one line per failing endpoint and exits 1 when any fails; 0 when every endpoint conforms.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings

from tests.helpers import make_app, seed_accounts
from tests.schemathesis_support import CHECKS, load


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    app = make_app(accounts=seed_accounts(ips=("testclient",)), rate_limits="off")
    failed = 0
    for result in load(app).get_all_operations():
        op = result.ok()

        @given(case=op.as_strategy())
        @settings(max_examples=examples, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), database=None)
        def run(case: object) -> None:
            case.call_and_validate(checks=CHECKS)  # type: ignore[attr-defined]

        try:
            run()
        except Exception as exc:  # one line per failing endpoint, then go on
            failed += 1
            print(f"FAIL {op.method.upper()} {op.path}: {str(exc).splitlines()[0][:200]}")
    print(f"{'FAILED' if failed else 'ok'}: {failed} endpoint(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
