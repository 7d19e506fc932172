"""The Redis cache, failing soft. Redis holds only throw-away state here (the API rate limit and the
sign-in failure counters; sessions are in the database), so while it is unreachable reads miss and writes
are dropped, with a warning, instead of turning every page and API call into a 500.

Consequence, on purpose: during a Redis outage the API rate limit and sign-in throttling are not enforced
(docs/RELIABILITY.md, "Faults")."""
from __future__ import annotations

import logging

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _unavailable(operation: str) -> None:
    # No traceback: during an outage this is logged on every request.
    logger.warning("cache unavailable: %s skipped", operation)


class FailSoftClient(RedisCacheClient):
    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except UNAVAILABLE:
            _unavailable("add")
            return False

    def get(self, key, default):
        try:
            return super().get(key, default)
        except UNAVAILABLE:
            _unavailable("get")
            return default

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except UNAVAILABLE:
            _unavailable("set")

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except UNAVAILABLE:
            _unavailable("touch")
            return False

    def delete(self, key):
        try:
            return super().delete(key)
        except UNAVAILABLE:
            _unavailable("delete")
            return False

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except UNAVAILABLE:
            _unavailable("get_many")
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except UNAVAILABLE:
            _unavailable("has_key")
            return False

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except UNAVAILABLE:
            _unavailable("incr")
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from None  # as a read would miss

    def set_many(self, data, timeout):
        try:
            super().set_many(data, timeout)
        except UNAVAILABLE:
            _unavailable("set_many")

    def delete_many(self, keys):
        try:
            super().delete_many(keys)
        except UNAVAILABLE:
            _unavailable("delete_many")

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE:
            _unavailable("clear")
            return False


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftClient
