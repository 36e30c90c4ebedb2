"""Property tests of the limiters themselves, on a virtual clock: exact windows, independence, penalty."""

from __future__ import annotations

from collections import defaultdict
from itertools import accumulate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.config import Config
from mock_exchange.endpoint import Endpoint
from mock_exchange.ratelimit.limiter import FixedWindow, GlobalLimiter, MovingWindow, RateLimited, RateLimiter
from mock_exchange.ratelimit.limits import PRIVATE_DEFAULT, PUBLIC_DEFAULT, Limit, LimitTable
from mock_exchange.ratelimit.storage import MemoryStorage
from mock_exchange.request import ApiRequest
from mock_exchange.state.accounts import ApiKey

T0 = 1_795_465_233_000
limits = st.integers(1, 8)
windows = st.sampled_from([1, 7, 100, 1000])


def arrivals(max_gap: int = 400) -> st.SearchStrategy[list[int]]:
    """Non-decreasing arrival times (gaps of 0 put several requests in the same ms)."""
    return st.lists(st.integers(0, max_gap), min_size=1, max_size=60).map(lambda gaps: [T0 + t for t in
                                                                                      accumulate(gaps)])


def _handler(svc: object, req: object) -> None:
    return None


def endpoint(path: str, private: bool = True, limit: Limit | None = None) -> Endpoint:
    if limit is None:
        limit = PRIVATE_DEFAULT if private else PUBLIC_DEFAULT
    return Endpoint("GET", path, _handler, limit, private=private)


def request(path: str, now: int, uid: str | None = None, ip: str = "10.0.0.1") -> ApiRequest:
    req = ApiRequest("GET", path, path.encode(), b"", b"", {}, ip, now)
    if uid is not None:
        req.key = ApiKey("bg_" + uid, uid, "pass1234", frozenset({"read"}))
    return req


def in_window(times: list[int], t: int, window: int) -> int:
    return sum(1 for s in times if t - window < s <= t)


@given(limit=limits, window=windows, times=arrivals())
def test_moving_window_is_exact(limit: int, window: int, times: list[int]) -> None:
    algo = MovingWindow(MemoryStorage())
    admitted: list[int] = []
    for t in times:
        before = in_window(admitted, t, window)
        ok, used, wait = algo.hit("k", t, limit, window)
        # (b) refused only when admitting would put limit + 1 in the window (t - W, t]
        assert ok == (before < limit)
        if ok:
            admitted.append(t)
            assert used == before + 1 and wait == 0
        else:
            assert used == limit
            # the caller may come back exactly when the oldest admitted request leaves the window
            oldest = min(s for s in admitted if t - window < s <= t)
            assert wait == oldest + window - t > 0
    # (a) no window of length W holds more than `limit` admitted requests
    assert all(in_window(admitted, s, window) <= limit for s in admitted)


@given(limit=limits, window=windows, times=arrivals())
def test_fixed_window_counts_wall_aligned_slots(limit: int, window: int, times: list[int]) -> None:
    algo = FixedWindow(MemoryStorage())
    per_slot: dict[int, int] = defaultdict(int)
    for t in times:
        slot = t // window
        ok, used, wait = algo.hit("k", t, limit, window)
        assert ok == (per_slot[slot] < limit)
        if ok:
            per_slot[slot] += 1
        else:
            assert wait == (slot + 1) * window - t
        assert used == per_slot[slot]
    assert all(n <= limit for n in per_slot.values())


def test_two_requests_exactly_one_window_apart_never_share_it() -> None:
    algo = MovingWindow(MemoryStorage())
    assert algo.hit("k", T0, 1, 1000)[0]
    assert not algo.hit("k", T0 + 999, 1, 1000)[0]
    assert algo.hit("k", T0 + 1000, 1, 1000)[0]


@given(
    algorithm=st.sampled_from(["moving", "fixed"]),
    steps=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 300)), min_size=1, max_size=80),
)
def test_endpoints_and_uids_do_not_affect_each_other(algorithm: str, steps: list[tuple[int, int, int]]) -> None:
    paths = ["/a", "/b", "/c"]
    rows = {"/a": Limit(2, 1000, "uid"), "/b": Limit(3, 500, "uid"), "/c": Limit(1, 100, "ip")}
    eps = [endpoint(p, limit=rows[p]) for p in paths]
    limiter = RateLimiter(Config(limit_algorithm=algorithm), LimitTable(), eps)
    # the same requests, one fresh limiter per (endpoint, caller): verdicts must match
    alone: dict[tuple[str, str], RateLimiter] = {}
    now = T0
    for ep_i, uid_i, gap in steps:
        now += gap
        ep, uid = eps[ep_i], f"u{uid_i}"
        ip = f"10.0.0.{uid_i}"
        solo = alone.setdefault((ep.path, uid), RateLimiter(Config(limit_algorithm=algorithm),
                                                            LimitTable(), [ep]))
        verdicts = []
        for lim in (limiter, solo):
            try:
                headers = lim.check_endpoint(ep, request(ep.path, now, uid, ip), None)
                verdicts.append(dict(headers)[b"x-mbx-used-remain-limit"])
            except RateLimited as exc:
                verdicts.append(b"429:" + dict(exc.headers)[b"x-mbx-used-remain-limit"])
        assert verdicts[0] == verdicts[1]


def _global_model(times_by_ip: list[tuple[str, int]], limit: int, window: int,
                  penalty: int) -> list[bool]:
    """The documented rule, written plainly: every request counts outside a penalty; the one that takes
    the window over the limit is refused and starts the penalty."""
    counted: dict[str, list[int]] = defaultdict(list)
    until: dict[str, int] = {}
    out = []
    for ip, t in times_by_ip:
        if t < until.get(ip, -1):
            out.append(False)
            continue
        counted[ip].append(t)
        ok = in_window(counted[ip], t, window) <= limit
        if not ok:
            until[ip] = t + penalty
        out.append(ok)
    return out


@given(
    limit=st.integers(1, 6),
    penalty=st.sampled_from([0, 50, 100, 250]),
    steps=st.lists(st.tuples(st.sampled_from(["1.1.1.1", "2.2.2.2"]), st.integers(0, 40)), min_size=1,
                   max_size=120),
)
def test_global_limit_and_penalty(limit: int, penalty: int, steps: list[tuple[str, int]]) -> None:
    window = 100
    storage = MemoryStorage()
    glob = GlobalLimiter(MovingWindow(storage), storage, limit, window, penalty)
    seq, now = [], T0
    for ip, gap in steps:
        now += gap
        seq.append((ip, now))
    expected = _global_model(seq, limit, window, penalty)
    got = [glob.refused_for(ip, t) is None for ip, t in seq]
    assert got == expected
    # (d) per IP, no window holds more than `limit` admitted requests, whatever the mix
    for ip in ("1.1.1.1", "2.2.2.2"):
        admitted = [t for (i, t), ok in zip(seq, got, strict=True) if ok and i == ip]
        assert all(in_window(admitted, s, window) <= limit for s in admitted)


def test_penalty_lasts_exactly_its_length() -> None:
    storage = MemoryStorage()
    glob = GlobalLimiter(MovingWindow(storage), storage, 3, 1000, 5000)
    assert [glob.refused_for("ip", T0) for _ in range(3)] == [None, None, None]
    assert glob.refused_for("ip", T0) == 5000  # the 4th starts the penalty
    assert glob.refused_for("ip", T0 + 1000) == 4000  # the window has drained, the penalty has not
    assert glob.refused_for("ip", T0 + 4999) == 1
    assert glob.refused_for("other", T0 + 4999) is None
    assert glob.refused_for("ip", T0 + 5000) is None  # over: a fresh window
    assert glob.view("ip", T0 + 5000)["used"] == 1


def test_refused_endpoint_requests_consume_no_quota() -> None:
    ep = endpoint("/a", limit=Limit(2, 1000, "uid"))
    limiter = RateLimiter(Config(), LimitTable(), [ep])
    outcomes = []
    for t in (0, 1, 2, 3, 999, 1000, 1001):
        try:
            limiter.check_endpoint(ep, request("/a", T0 + t, "u"), None)
            outcomes.append(t)
        except RateLimited:
            pass
    # refusals at 2, 3, 999 did not push the window: 1000 and 1001 are admitted as 0 and 1 leave
    assert outcomes == [0, 1, 1000, 1001]


@pytest.mark.parametrize("algorithm", [MovingWindow, FixedWindow])
def test_memory_stays_bounded_as_callers_come_and_go(algorithm: type[MovingWindow] | type[FixedWindow]) -> None:
    storage = MemoryStorage()
    algo = algorithm(storage)
    sizes = []
    for second in range(40):
        now = T0 + second * 1000
        for n in range(500):  # 500 new IPs every second, each seen once
            algo.hit(f"{second}.{n}", now, 5, 1000)
        sizes.append(len(storage))
    # only the last second's callers are live; idle ones are swept out, amortised over inserts
    assert max(sizes) <= 4 * 500 + 1024
    storage.sweep(T0 + 41 * 1000)
    assert len(storage) == 0


@pytest.mark.parametrize("algorithm", [MovingWindow, FixedWindow])
def test_clock_set_back_forgets_the_future_only_when_told(algorithm: type[MovingWindow] | type[FixedWindow]) -> None:
    storage = MemoryStorage()
    algo = algorithm(storage)
    assert algo.hit("k", T0 + 10_000, 1, 1000)[0]
    assert not algo.hit("k", T0, 1, 1000)[0]  # an older time (out of order) still sees the entry
    storage.rewind(T0)  # the clock set back: the entry at +10 s is "in the future", forgotten
    assert algo.hit("k", T0, 1, 1000)[0]
    assert not algo.hit("k", T0 + 1, 1, 1000)[0]
