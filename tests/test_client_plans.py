"""The reference client's plan-order and cancel-replace methods against the in-process mock."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from client import AsyncBitgetClient, BitgetAPIError

from .client_support import asgi_client
from .helpers import VirtualTime, make_app, seed_accounts


def test_plan_orders_and_cancel_replace_through_the_client() -> None:
    app = make_app(accounts=seed_accounts())

    async def scenario(c: AsyncBitgetClient) -> dict[str, Any]:
        last = Decimal((await c.tickers("BTCUSDT"))[0]["lastPr"])
        high = (last * 2).quantize(Decimal("0.01"))
        out: dict[str, Any] = {"high": high}
        out["placed"] = await c.place_plan_order("BTCUSDT", "buy", high, "limit", Decimal("0.001"),
                                                 execute_price=high, client_oid="cp-1")
        out["other"] = await c.place_plan_order("ETHUSDT", "buy", 90000, "market", 25, plan_type="total")
        out["modified"] = await c.modify_plan_order(high + 1, "market", 30, client_oid="cp-1")
        out["current"] = await c.current_plan_orders("BTCUSDT", limit=5)
        out["cancelled"] = await c.cancel_plan_order(order_id=out["placed"]["orderId"])
        out["batch"] = await c.batch_cancel_plan_orders(["ETHUSDT"])
        out["history"] = await c.history_plan_orders(start_time=c_now(app) - 1000, end_time=c_now(app))
        out["subs"] = await c.plan_sub_orders(out["placed"]["orderId"])
        order = await c.place_order("BTCUSDT", "buy", "limit", Decimal("0.001"), (last * Decimal("0.9")).quantize(
            Decimal("0.01")))
        out["replaced"] = await c.cancel_replace_order("BTCUSDT", (last * Decimal("0.91")).quantize(Decimal("0.01")),
                                                       "0.002", order_id=order["orderId"], new_client_oid="cr-2")
        try:
            await c.cancel_plan_order(client_oid="cp-1")
        except BitgetAPIError as exc:
            out["again"] = exc.code
        return out

    async def main() -> dict[str, Any]:
        async with asgi_client(app, VirtualTime(app)) as c:
            return await scenario(c)

    r = asyncio.run(main())
    assert r["placed"]["clientOid"] == "cp-1" and r["modified"]["orderId"] == r["placed"]["orderId"]
    [row] = r["current"]["orderList"]
    assert (row["orderType"], row["size"], Decimal(row["triggerPrice"])) == ("market", "30", r["high"] + 1)
    assert r["cancelled"] == {"result": "success"}
    assert [x["orderId"] for x in r["batch"]["successList"]] == [r["other"]["orderId"]]
    assert {p["status"] for p in r["history"]["orderList"]} == {"cancelled"} and r["subs"] == []
    assert r["replaced"]["clientOid"] == "cr-2" and r["again"] == "43025"


def c_now(app: Any) -> int:
    return int(app.services.clock.now_ms())
