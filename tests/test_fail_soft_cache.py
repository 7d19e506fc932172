"""partnercenter.cache.FailSoftRedisCache: with Redis unreachable, reads miss and writes are dropped
instead of raising (the service tests stop a real redis-server; this one needs no server at all)."""
from __future__ import annotations

import socket

import pytest

from partnercenter.cache import FailSoftRedisCache


@pytest.fixture
def unreachable_cache():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return FailSoftRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 1}})


def test_reads_miss_and_writes_are_dropped_when_redis_is_unreachable(unreachable_cache):
    cache = unreachable_cache
    cache.set("k", 1)
    assert cache.get("k", "missing") == "missing"
    assert cache.add("k", 1) is False
    assert cache.get_many(["k", "j"]) == {}
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    cache.delete_many(["k"])
    with pytest.raises(ValueError):
        cache.incr("k")
