"""Which served endpoints have a real answer under tests/recordings/ and which have none.

    python -m tests.recording_coverage      # counts, then the endpoints without one
"""

from __future__ import annotations

import json
from pathlib import Path

from mock_exchange.routes import ENDPOINTS

RECORDINGS = Path(__file__).parent / "recordings"


def recorded() -> dict[tuple[str, str], list[str]]:
    """(method, path) -> the recordings of that endpoint."""
    out: dict[tuple[str, str], list[str]] = {}
    for file in sorted(RECORDINGS.glob("*.json")):
        rec = json.loads(file.read_text())
        out.setdefault((rec["method"], rec["path"]), []).append(file.stem)
    return out


def unrecorded() -> list[tuple[str, str]]:
    have = recorded()
    return [(ep.method, ep.path) for ep in ENDPOINTS if (ep.method, ep.path) not in have]


def main() -> None:
    missing = unrecorded()
    print(f"{len(ENDPOINTS)} endpoints served, {len(ENDPOINTS) - len(missing)} with a recording, "
          f"{len(missing)} without")
    for method, path in missing:
        print(f"  {method} {path}")


if __name__ == "__main__":
    main()
