"""The id-ordered indexes behind order and fill listings agree with a plain sorted model."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.state.orders import AppendLog, IdIndex

OPS = st.lists(st.tuples(st.sampled_from(("add", "add", "discard", "page", "oldest")),
                         st.integers(0, 400), st.integers(1, 30)), max_size=300)


@given(OPS)
def test_id_index_matches_a_sorted_model(ops: list[tuple[str, int, int]]) -> None:
    index: IdIndex[str] = IdIndex()
    model: dict[int, str] = {}
    next_id = 1000
    for op, n, limit in ops:
        if op == "add":
            key = next_id if n % 4 else n  # mostly increasing ids, sometimes an older one
            next_id += 1
            if key not in model:
                index.add(key, f"v{key}")
                model[key] = f"v{key}"
        elif op == "discard" and model:
            key = sorted(model)[n % len(model)]
            index.discard(key)
            del model[key]
        elif op == "page":
            before = None if n % 3 == 0 else n * 4
            expected = [model[k] for k in sorted(model, reverse=True) if before is None or k < before][:limit]
            assert list(index.newest(before))[:limit] == expected
        elif op == "oldest":
            assert index.oldest() == (model[min(model)] if model else None)
        assert len(index) == len(model)


@given(st.lists(st.sampled_from(("add", "pop", "page")), max_size=3000), st.integers(1, 50))
def test_append_log_pages_and_forgets_from_the_front(ops: list[str], limit: int) -> None:
    log: AppendLog[int] = AppendLog()
    model: list[int] = []
    key = 0
    for op in ops:
        if op == "add":
            key += 3
            log.add(key, key)
            model.append(key)
        elif op == "pop" and model:
            assert log.oldest() == model.pop(0)
            log.pop_oldest()
        elif op == "page" and model:
            before = model[len(model) // 2] + 1
            assert list(log.newest(before))[:limit] == [k for k in reversed(model) if k < before][:limit]
        assert len(log) == len(model)


def test_compaction_keeps_order_and_contents() -> None:
    index: IdIndex[int] = IdIndex()
    for key in range(1000):
        index.add(key, key)
    for key in range(0, 1000, 10):
        index.add(key * 10_000 + 5, key)  # newer, larger ids
    for key in range(900):
        index.discard(key)
    assert len(index._ids) < 400  # the stale ids were compacted away
    assert list(index.newest(1000)) == list(range(999, 899, -1))
    assert index.oldest() == 900
    log: AppendLog[int] = AppendLog()
    for key in range(5000):
        log.add(key, key)
    for _ in range(3000):
        log.pop_oldest()
    assert len(log._items) < 5000 and log.oldest() == 3000 and list(log.newest(3003)) == [3002, 3001, 3000]


def test_pruning_oldest_first_keeps_the_id_list_bounded() -> None:
    """The history cap forgets the oldest order each time a new one arrives: memory must not grow."""
    index: IdIndex[int] = IdIndex()
    cap = 500
    for key in range(50_000):
        index.add(key, key)
        if len(index) > cap:
            oldest = index.oldest()
            assert oldest is not None
            index.discard(oldest)
    assert len(index) == cap
    assert len(index._ids) <= 3 * cap + 2048  # stale ids in front are dropped, not kept forever
    assert index.oldest() == 50_000 - cap
    assert list(index.newest(None))[:3] == [49_999, 49_998, 49_997]
