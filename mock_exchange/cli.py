"""`mock-exchange serve ...`: start the sandbox exchange. Every flag can also come from the
environment as MOCK_EXCHANGE_<FLAG> (e.g. MOCK_EXCHANGE_PORT=9000, MOCK_EXCHANGE_MANUAL_CLOCK=1)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from .config import Config

_TRUE = {"1", "true", "yes", "on"}


def _env(name: str, default: Any) -> Any:
    value = os.environ.get("MOCK_EXCHANGE_" + name.upper().replace("-", "_"))
    if value is None:
        return default
    if isinstance(default, bool):
        return value.strip().lower() in _TRUE
    if isinstance(default, int):
        return int(value)
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mock-exchange", description="A Bitget V2 compatible sandbox exchange.")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="start the sandbox exchange")
    s.add_argument("--host", default=_env("host", "127.0.0.1"))
    s.add_argument("--port", type=int, default=_env("port", 8080))
    s.add_argument("--accounts", default=_env("accounts", None), metavar="FILE.toml",
                   help="seed accounts, balances and keys with fixed credentials instead of the demo account")
    s.add_argument("--seed", type=int, default=_env("seed", 42), help="seed of the price walk and of ids")
    s.add_argument("--manual-clock", action="store_true", default=_env("manual_clock", False),
                   help="start on a virtual clock that only the admin API moves")
    s.add_argument("--clock-start-ms", type=int, default=_env("clock_start_ms", None),
                   help="with --manual-clock: the virtual clock's start (default: now)")
    s.add_argument("--rate-limits", default=_env("rate_limits", "bitget"), metavar="off|bitget|FILE.toml")
    s.add_argument("--limit-algorithm", choices=("moving", "fixed"), default=_env("limit_algorithm", "moving"))
    s.add_argument("--global-limit", type=int, default=_env("global_limit", 6000))
    s.add_argument("--global-penalty-seconds", type=int, default=_env("global_penalty_seconds", 300))
    s.add_argument("--retry-after", action="store_true", default=_env("retry_after", False),
                   help="send Retry-After on 429 answers")
    s.add_argument("--timestamp-window-ms", type=int, default=_env("timestamp_window_ms", 30_000))
    s.add_argument("--no-debug-signatures", action="store_true", default=_env("no_debug_signatures", False),
                   help="leave X-Mock-Prehash out of 40009 answers")
    s.add_argument("--no-access-log", action="store_true", default=_env("no_access_log", False))
    s.add_argument("--state", default=_env("state", None), metavar="FILE",
                   help="persist state in SQLite (not built yet: refused)")
    s.add_argument("--admin-token", default=_env("admin_token", None),
                   help="require X-Mock-Admin-Token on /_mock/ and allow non-loopback admin callers")
    s.add_argument("--journal-size", type=int, default=_env("journal_size", 1000))
    s.add_argument("--max-closed-orders", type=int, default=_env("max_closed_orders", 100_000),
                   help="closed orders and fills kept per account")
    s.add_argument("--ws-limit", action="append", default=[], metavar="NAME=VALUE",
                   help="override one WebSocket limit (idle_ms, messages, subscribes, channels, connections, "
                        "attempts, lifetime_ms, ...; see docs/websocket.md); repeatable")
    return parser


def _pairs(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--ws-limit {item!r}: expected NAME=VALUE")
        out[name.strip()] = value.strip()
    return out


def config_from_args(args: argparse.Namespace) -> Config:
    return Config(
        host=args.host,
        port=args.port,
        seed=args.seed,
        manual_clock=args.manual_clock,
        clock_start_ms=args.clock_start_ms,
        accounts_file=Path(args.accounts) if args.accounts else None,
        rate_limits=args.rate_limits,
        limit_algorithm=args.limit_algorithm,
        global_limit=args.global_limit,
        global_penalty_seconds=args.global_penalty_seconds,
        retry_after=args.retry_after,
        timestamp_window_ms=args.timestamp_window_ms,
        debug_signatures=not args.no_debug_signatures,
        access_log=not args.no_access_log,
        admin_token=args.admin_token,
        journal_size=args.journal_size,
        max_closed_orders=args.max_closed_orders,
        ws_limits=_pairs(args.ws_limit),
    )


def banner(app: Any, config: Config) -> str:
    lines = [f"bitget-mock sandbox exchange on http://{config.host}:{config.port}"]
    store = app.services.exchange.accounts
    for seed in app.services.exchange.account_seeds:
        lines.append(f"  account UID   {seed.uid}")
        for k in seed.keys:
            key = store.keys.get(k.api_key)
            if key is None:
                continue
            lines.append(f"    API key     {k.api_key}")
            if k.secret is not None:
                lines.append(f"    secret key  {k.secret}")
            lines.append(f"    passphrase  {k.passphrase}")
            lines.append(f"    permissions {','.join(sorted(k.permissions))}")
    lines.append(f"  admin API     http://{config.host}:{config.port}/_mock/health")
    return "\n".join(lines)


def serve(config: Config) -> int:
    import uvicorn

    from .app import create_app

    app = create_app(config)
    print(banner(app, config), flush=True)
    # A server process's tuning, not the library's: what exists after start-up lives as long as the
    # process, so the cycle collector stops scanning it; and young-generation collections run every
    # 20,000 allocations rather than 700 (each request allocates a few dozen objects; a collection
    # mostly walks the requests in flight), which spends ~2 % less CPU per request.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    uvicorn.run(app, host=config.host, port=config.port, access_log=config.access_log,
                log_level="info" if config.access_log else "warning", lifespan="off", ws="websockets-sansio",
                server_header=False)  # Bitget does not answer "server: uvicorn"
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.state:
        parser.error("--state (SQLite persistence) is not built yet; state lives in memory")
    try:
        config = config_from_args(args)
        from .app import create_app  # noqa: F401  (import errors surface before the banner)
        return serve(config)
    except (ValueError, OSError) as exc:
        print(f"mock-exchange: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
