"""core/cache.py: the per-session preview cache keeps one value per key and a copy starts empty."""

from __future__ import annotations

import copy

from core.cache import PreviewCache


def test_cache_copies_start_empty_and_keys_replace_values():
    cache = PreviewCache()
    calls = []
    assert cache._get("x", 1, lambda: calls.append(1) or "one") == "one"
    assert cache._get("x", 1, lambda: calls.append(1) or "again") == "one"
    assert cache._get("x", 2, lambda: "two") == "two" and calls == [1]
    clone = copy.deepcopy(cache)
    assert clone.peek("x") is None and cache.peek("x") == "two"
