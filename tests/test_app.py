"""The app's assembly: one ordered list of layers, in the order docs/architecture.md gives."""

from __future__ import annotations

import asyncio

from mock_exchange.app import Layer, api_layers, build_stack

from .helpers import make_app


def test_the_api_layers_run_in_the_documented_order() -> None:
    app = make_app()
    assert [layer.name for layer in app.layers] == ["journal", "global limit", "faults"]
    # the stack built from them: journal outermost, the dispatcher innermost
    outer = app.api.__self__  # type: ignore[attr-defined]
    seen = []
    while hasattr(outer, "app"):
        seen.append(type(outer).__name__)
        outer = outer.app.__self__
    assert seen == ["JournalMiddleware", "GlobalLimitMiddleware", "FaultsMiddleware"]
    assert outer is app.dispatcher


def test_a_layer_with_nothing_to_do_is_left_out() -> None:
    assert [layer.name for layer in make_app(global_limit=0).layers] == ["journal", "faults"]
    assert [layer.name for layer in make_app(rate_limits="off").layers] == ["journal", "faults"]
    assert make_app(rate_limits="off").services.limiter is None


def test_build_stack_wraps_outermost_first() -> None:
    calls: list[str] = []

    def tracer(name: str) -> Layer:
        class Traced:
            def __init__(self, app: object) -> None:
                self.app = app

            async def __call__(self, scope: object, receive: object, send: object) -> None:
                calls.append(name)
                await self.app(scope, receive, send)  # type: ignore[operator]

        return Layer(name, Traced)

    async def inner(scope: object, receive: object, send: object) -> None:
        calls.append("inner")

    asyncio.run(build_stack([tracer("a"), tracer("b")], inner)({}, None, None))  # type: ignore[arg-type]
    assert calls == ["a", "b", "inner"]
    assert api_layers(make_app().services)[0].name == "journal"
