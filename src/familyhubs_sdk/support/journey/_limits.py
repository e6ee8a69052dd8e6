"""Rate limits shared by every process of a portal: in the SDK's store, or in Redis.

:class:`~familyhubs_sdk.support.SlidingWindowRateLimit` counts in one process's memory, so a
portal served by four gunicorn workers (or two web nodes) would allow four times the limit, and
a person whose tries land on different workers sees a different count on each. The limits here
keep one count per key for every process:

* :class:`StoreRateLimit` — a row per key in the SDK's own ``fh_rate_limits`` table (run
  ``familyhubs db upgrade``); nothing else to run, works on SQLite, PostgreSQL and MariaDB;
* :class:`RedisRateLimit` — for an LA that already runs Redis (the ``redis`` extra).

Both count allowed attempts in fixed windows of ``per`` (the window a key is in is
``floor(now / per)``), so a client may make up to twice ``max_attempts`` across a window's edge;
refused attempts are not counted. The keys are the ones :class:`ResumeTokens` builds with
:func:`~familyhubs_sdk.support.attempt_key`: a client and a keyed fingerprint of the token tried,
never the token itself.

>>> import sqlalchemy as sa
>>> from datetime import UTC, datetime, timedelta
>>> from familyhubs_sdk.store import create_engine, upgrade
>>> engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
>>> upgrade(engine)
>>> clock = lambda: datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
>>> limit = StoreRateLimit(engine, 2, per=timedelta(minutes=15), clock=clock)
>>> [limit("203.0.113.7 a1") for _ in range(3)], limit("203.0.113.7 b2")
([True, True, False], True)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import ConfigurationError, StoreError, StoreUnavailableError
from familyhubs_sdk.store._schema import rate_limits

__all__ = ["RedisRateLimit", "StoreRateLimit"]

_MAX_KEY_LENGTH = 200  # fh_rate_limits.key


def _check_limits(kind: str, max_attempts: int, per: timedelta) -> None:
    if max_attempts < 1:
        raise ConfigurationError(f"{kind} max_attempts must be at least 1")
    if per < timedelta(seconds=1):
        raise ConfigurationError(f"{kind} per must be at least one second")


class StoreRateLimit:
    """At most ``max_attempts`` allowed attempts per key in each window of length ``per``,
    counted in the SDK's store so every worker and node shares one count.

    Each call is one or two short statements in their own transaction, and every change is a
    conditional ``UPDATE`` or an ``INSERT`` on the primary key, so concurrent callers in any
    number of processes can never allow more than ``max_attempts`` in a window. Rows of past
    windows are reused by their key; :meth:`purge` deletes the ones nobody has used lately.

    Give it to :class:`ResumeTokens` (``build_flow`` does, with 20 tries per 15 minutes)::

        limit = StoreRateLimit(engine, 10, per=timedelta(minutes=15))
        tokens = ResumeTokens(engine, rate_limit=limit)
    """

    def __init__(
        self, engine: Engine, max_attempts: int, per: timedelta, clock: Clock = utc_now
    ) -> None:
        _check_limits("StoreRateLimit", max_attempts, per)
        self._engine = engine
        self.max_attempts = max_attempts
        self.per = per
        self._clock = clock

    def __call__(self, key: str) -> bool:
        key = key[:_MAX_KEY_LENGTH]
        window = self._window()
        try:
            if self._count_in(key, window) or self._start_window(key, window):
                return True
            if self._insert(key, window):
                return True
            # Another process inserted the key between our UPDATEs and INSERT: count again.
            return self._count_in(key, window)
        except sa.exc.OperationalError:
            raise StoreUnavailableError(
                "the rate limit store could not be reached or was busy; try again"
            ) from None
        except sa.exc.SQLAlchemyError as exc:  # parameters hold client addresses: keep them out
            raise StoreError(f"the rate limit store failed ({type(exc).__name__})") from None

    def purge(self) -> int:
        """Delete the counts of windows that have ended; returns how many. Run it from a
        scheduled job (the table holds at most one row per key meanwhile)."""
        with self._engine.begin() as connection:
            result = connection.execute(
                rate_limits.delete().where(rate_limits.c.window_no < self._window())
            )
        return int(result.rowcount)

    def _window(self) -> int:
        return int(self._clock().timestamp() // self.per.total_seconds())

    def _count_in(self, key: str, window: int) -> bool:
        """One more attempt in the key's current window, if it has room."""
        with self._engine.begin() as connection:
            return bool(
                connection.execute(
                    rate_limits.update()
                    .where(
                        rate_limits.c.key == key,
                        rate_limits.c.window_no == window,
                        rate_limits.c.attempts < self.max_attempts,
                    )
                    .values(attempts=rate_limits.c.attempts + 1)
                ).rowcount
                == 1
            )

    def _start_window(self, key: str, window: int) -> bool:
        """Reuse the key's row from an earlier window as the first attempt of this one."""
        with self._engine.begin() as connection:
            return bool(
                connection.execute(
                    rate_limits.update()
                    .where(rate_limits.c.key == key, rate_limits.c.window_no < window)
                    .values(window_no=window, attempts=1)
                ).rowcount
                == 1
            )

    def _insert(self, key: str, window: int) -> bool:
        """The key's first attempt ever; ``False`` when its row already exists."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    rate_limits.insert().values(key=key, window_no=window, attempts=1)
                )
        except sa.exc.IntegrityError:
            return False
        return True

    def __repr__(self) -> str:
        return f"StoreRateLimit(max_attempts={self.max_attempts}, per={self.per!r})"


class RedisRateLimit:
    """At most ``max_attempts`` allowed attempts per key in each window of length ``per``,
    counted in Redis (``pip install "familyhubs-sdk[redis]"``).

    ``client`` is a ``redis.Redis`` the host built (``redis.Redis.from_url(...)``); each call is
    one round trip (a Lua script, so checking and counting are one atomic step). Keys expire with
    their window, so Redis holds nothing past it.

    >>> import redis  # doctest: +SKIP
    >>> limit = RedisRateLimit(redis.Redis.from_url("redis://127.0.0.1:6379/0"), 10,
    ...                        per=timedelta(minutes=15))  # doctest: +SKIP
    """

    # Count only allowed attempts, as the other limits do: refused ones leave the count alone.
    _SCRIPT = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
if count == 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1
"""

    def __init__(
        self,
        client: Any,
        max_attempts: int,
        per: timedelta,
        clock: Clock = utc_now,
        *,
        prefix: str = "familyhubs:rate:",
    ) -> None:
        _check_limits("RedisRateLimit", max_attempts, per)
        self._client = client
        self.max_attempts = max_attempts
        self.per = per
        self.prefix = prefix
        self._clock = clock
        self._script = client.register_script(self._SCRIPT)

    def __call__(self, key: str) -> bool:
        seconds = self.per.total_seconds()
        window = int(self._clock().timestamp() // seconds)
        try:
            allowed = self._script(
                keys=[f"{self.prefix}{window}:{key}"],
                args=[self.max_attempts, int(seconds) + 1],
            )
        except Exception as exc:  # redis-py's errors, whichever version the host installed
            raise StoreUnavailableError(
                f"the rate limit store (Redis) could not be reached ({type(exc).__name__})"
            ) from None
        return bool(int(allowed))

    def __repr__(self) -> str:
        return f"RedisRateLimit(max_attempts={self.max_attempts}, per={self.per!r})"
