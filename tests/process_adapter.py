"""A process adapter (protocol 1, docs/conformance.md) around the reference client, for the tests of the
protocol: `python tests/process_adapter.py [old-protocol]`. The session option `mode` (`--adapter-option
mode=...`) breaks one thing on purpose, so one process serves every test:

    ok              behaves
    no-lookup       says fetch_order_by_client_oid is unsupported
    crash-ticker    fetch_ticker fails with an error of no category (a crash inside the client)
    exit-balance    the process exits in the middle of fetch_balance
    noise           prints a log line on stdout before each answer

`old-protocol` on the command line answers hello with protocol 0. The reference client is imported on the
first `open`, so a process that only says hello starts at once.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OLD_PROTOCOL = sys.argv[1:] == ["old-protocol"]
sessions: dict[int, Any] = {}  # session id -> ReferenceAdapter
modes: dict[int, str] = {}


class Unsupported(Exception):
    pass


def order(o: Any) -> dict[str, Any]:
    return {"orderId": o.order_id, "symbol": o.symbol, "side": o.side, "price": str(o.price), "size": str(o.size),
            "status": o.status, "clientOid": o.client_oid}


def handle(msg: dict[str, Any]) -> Any:
    op, args = msg["op"], msg.get("args") or {}
    if op == "hello":
        return {"name": "reference-over-a-pipe", "protocol": 0 if OLD_PROTOCOL else 1}
    if op == "open":
        from conformance.adapters.base import Credentials
        from conformance.adapters.reference import ReferenceAdapter

        options = dict(args.get("options", {}))
        modes[msg["session"]] = options.pop("mode", "ok")
        creds = Credentials(args["apiKey"], args["secretKey"], args["passphrase"])
        sessions[msg["session"]] = ReferenceAdapter(args["baseUrl"], creds, **options)
        return None
    a, MODE = sessions[msg["session"]], modes[msg["session"]]
    if op == "close":
        sessions.pop(msg["session"]).close()
        return None
    if op == "server_time":
        return a.server_time()
    if op == "fetch_ticker":
        if MODE == "crash-ticker":
            raise TypeError("'NoneType' object is not subscriptable")
        t = a.fetch_ticker(args["symbol"])
        return {"last": str(t.last), "bid": str(t.bid), "ask": str(t.ask)}
    if op == "fetch_order_book":
        b = a.fetch_order_book(args["symbol"])
        return {"bids": [[str(p), str(s)] for p, s in b.bids], "asks": [[str(p), str(s)] for p, s in b.asks]}
    if op == "fetch_balance":
        if MODE == "exit-balance":
            print("giving up", file=sys.stderr, flush=True)
            sys.exit(3)
        return {c: {"available": str(b.available), "frozen": str(b.frozen)} for c, b in a.fetch_balance().items()}
    if op == "place_limit_order":
        ref = a.place_limit_order(args["symbol"], args["side"], Decimal(args["price"]), Decimal(args["size"]),
                                  args.get("clientOid"))
        return {"orderId": ref.order_id, "clientOid": ref.client_oid}
    if op == "cancel_order":
        a.cancel_order(args["symbol"], args["orderId"])
        return None
    if op == "fetch_order":
        return order(a.fetch_order(args["symbol"], args["orderId"]))
    if op == "fetch_order_by_client_oid":
        if MODE == "no-lookup":
            raise Unsupported(op)
        return order(a.fetch_order_by_client_oid(args["symbol"], args["clientOid"]))
    if op == "fetch_open_orders":
        return [order(o) for o in a.fetch_open_orders(args["symbol"])]
    raise Unsupported(op)


def main() -> None:
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            answer: dict[str, Any] = {"ok": True, "result": handle(msg)}
        except Unsupported:
            answer = {"ok": False, "error": {"category": "unsupported", "type": "Unsupported", "message": msg["op"]}}
        except Exception as exc:
            adapter = sessions.get(msg.get("session") or 0)
            category = adapter.classify_error(exc) if adapter is not None else None
            answer = {"ok": False, "error": {"category": category.value if category else None,
                                             "type": type(exc).__name__, "message": str(exc)}}
        if modes.get(msg.get("session") or 0) == "noise":
            print("DEBUG: answering", flush=True)
        print(json.dumps({"v": 1, "id": msg["id"], **answer}), flush=True)


if __name__ == "__main__":
    main()
