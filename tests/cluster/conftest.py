"""Replicas sharing a store: a real redis-server per module (skipped only where it is not installed)."""

from tests.redis_server import redis_server, redis_url  # noqa: F401 (fixtures for this package)
