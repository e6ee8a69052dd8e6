"""Resume tokens for "save and come back later": single-use links back to a draft.

A professional who stops half-way through a request for support is given a link holding a resume
token. The token is a bearer secret: whoever holds it can open the draft, which may already hold
details of a child. So:

* it carries 256 bits from :func:`secrets.token_bytes`, URL-safe, behind a fixed ``fhr1_`` prefix
  that secret scanners (and people reading a leaked log) can recognise;
* the database keeps only ``sha256(purpose + ":" + token)``, so a copy of ``fh_resume_tokens``
  opens nothing, and a token issued for one purpose never matches another;
* it works once (a conditional ``UPDATE`` claims it, so two concurrent uses cannot both win),
  until it expires, and only while its draft is still open; a new link for a draft revokes the
  draft's older unused links for the same purpose;
* it never appears in a log line, an error message or a ``repr``; database errors are re-raised
  without their SQL parameters, which hold the hash. (SQLAlchemy's own SQL echo logs bound
  parameters: keep it off in production, or build the engine with ``hide_parameters=True``.)
  :class:`~familyhubs_sdk.support.FormFlow` puts it in the link's fragment (``…/resume#fhr1_…``),
  which browsers never send, and takes it back from a POSTed form, so it never reaches an
  access log or a ``Referer`` header either;
* tries are rate-limited per client *and* token, so junk from a shared address cannot lock a
  family out of their own link.

Every refusal raises :class:`~familyhubs_sdk.errors.TokenError` with the same message, so a person
(or an attacker) cannot learn which check failed.

>>> import sqlalchemy as sa
>>> from familyhubs_sdk.questiontree import start
>>> from familyhubs_sdk.store import create_engine, upgrade
>>> from familyhubs_sdk.support import SQLDraftStore, default_tree
>>> engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
>>> upgrade(engine)
>>> draft_id = SQLDraftStore(engine).create(start(default_tree()))
>>> tokens = ResumeTokens(engine)
>>> link_token = tokens.issue(draft_id)
>>> link_token.startswith("fhr1_"), len(link_token)
(True, 48)
>>> tokens.redeem(link_token) == draft_id
True
>>> tokens.redeem(link_token)
Traceback (most recent call last):
...
familyhubs_sdk.errors.TokenError: this link to a saved request is not valid: ...
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Never, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import ConfigurationError, StoreError, StoreUnavailableError, TokenError
from familyhubs_sdk.store._schema import drafts, resume_tokens

__all__ = [
    "RESUME_TOKEN_LIFETIME",
    "TOKEN_PREFIX",
    "RateLimit",
    "ResumeTokens",
    "Resumed",
    "SlidingWindowRateLimit",
    "attempt_key",
    "purge_expired_drafts",
    "token_in",
]

logger = logging.getLogger(__name__)

#: How long a resume link works, unless :class:`ResumeTokens` is given another ``lifetime``.
RESUME_TOKEN_LIFETIME = timedelta(days=28)

#: Starts every resume token, so secret scanners and log filters can spot one.
TOKEN_PREFIX = "fhr1_"  # noqa: S105 - a public marker, not a secret

_TOKEN_BYTES = 32  # 256 bits: far past the 128 bits that make guessing hopeless
# 32 bytes are 43 unpadded base64url characters; the last one carries 4 bits and 2 zero bits, so
# only 16 characters can end a token this SDK made. Anything else is refused before the database.
_TOKEN_SHAPE = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]")
_TOKEN_LENGTH = len(TOKEN_PREFIX) + 43
# A token inside pasted text (a whole link, with or without its host): not part of a longer run.
_TOKEN_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_-])(" + _TOKEN_SHAPE.pattern + r")(?![A-Za-z0-9_-])")
_PURPOSE_SHAPE = re.compile(r"[a-z][a-z0-9_]{0,29}")  # fits fh_resume_tokens.purpose
# One message for every refusal: it must not tell a guesser which check failed.
_REFUSED = (
    "this link to a saved request is not valid: it may have expired, been used already or been "
    "replaced by a newer link"
)
_PURGE_BATCH = 500  # keeps IN (...) lists well inside every dialect's parameter limit


class RateLimit(Protocol):
    """Decides whether a client may try a token again: ``True`` lets the attempt through.

    It is called once per :meth:`ResumeTokens.redeem` (or ``redeem_and_reissue``) of a
    well-formed token, before the database is asked, with a key made of the host's
    ``client_key`` (an IP address, a session id...) and a fingerprint of the token tried: see
    :func:`attempt_key`. So the limit counts tries of one link from one client: many people
    behind one address (a council's proxy, a hospital's NAT) cannot use up each other's links,
    and a stranger's junk tries never lock a family's valid link. The fingerprint is a keyed
    hash that opens nothing and never matches the hash stored in the database. Hosts running
    several processes plug in a shared limiter; a plain function is enough::

        def redis_limit(key: str) -> bool:
            count = redis.incr(f"fh:resume:{key}")
            if count == 1:
                redis.expire(f"fh:resume:{key}", 900)
            return count <= 10

        tokens = ResumeTokens(engine, rate_limit=redis_limit)
    """

    def __call__(self, key: str, /) -> bool: ...


class SlidingWindowRateLimit:
    """At most ``max_attempts`` allowed attempts per key in any window of length ``per``.

    It keeps its counts in this process's memory, so it only protects a host that runs one
    process; with several workers or nodes, each would allow ``max_attempts`` of its own — give
    :class:`ResumeTokens` a shared :class:`RateLimit` instead (:class:`StoreRateLimit` in the
    SDK's store, which ``build_flow`` uses, or :class:`RedisRateLimit`).
    Safe to call from many threads. Refused attempts are not counted, so a client that keeps
    trying gets in again once its oldest allowed attempt leaves the window. It remembers at most
    ``max_keys`` keys, forgetting the longest quiet first: a flood of new keys costs bounded
    memory and can only reset the flooder's own counts.

    >>> from datetime import UTC
    >>> clock = lambda: datetime(2026, 6, 1, tzinfo=UTC)
    >>> limit = SlidingWindowRateLimit(2, per=timedelta(minutes=15), clock=clock)
    >>> [limit("203.0.113.7") for _ in range(3)], limit("198.51.100.2")
    ([True, True, False], True)
    """

    def __init__(
        self,
        max_attempts: int,
        per: timedelta,
        clock: Clock = utc_now,
        *,
        max_keys: int = 100_000,
    ) -> None:
        if max_attempts < 1:
            raise ConfigurationError("SlidingWindowRateLimit max_attempts must be at least 1")
        if per <= timedelta(0):
            raise ConfigurationError("SlidingWindowRateLimit per must be a positive duration")
        if max_keys < 1:
            raise ConfigurationError("SlidingWindowRateLimit max_keys must be at least 1")
        self.max_attempts = max_attempts
        self.per = per
        self.max_keys = max_keys
        self._clock = clock
        self._lock = threading.Lock()
        # Ordered by each key's latest allowed attempt: the quiet ones are at the front.
        self._attempts: OrderedDict[str, deque[datetime]] = OrderedDict()

    def __call__(self, key: str) -> bool:
        with self._lock:
            now = self._clock()
            since = now - self.per
            self._forget_quiet(since)
            attempts = self._attempts.setdefault(key, deque())
            while attempts and attempts[0] <= since:
                attempts.popleft()
            if len(attempts) >= self.max_attempts:
                return False
            attempts.append(now)
            self._attempts.move_to_end(key)
            while len(self._attempts) > self.max_keys:
                self._attempts.popitem(last=False)
            return True

    def _forget_quiet(self, since: datetime) -> None:
        while self._attempts:
            key, times = next(iter(self._attempts.items()))
            if times and times[-1] > since:
                return
            del self._attempts[key]

    def __repr__(self) -> str:  # client keys (IP addresses) stay out of logs
        return (
            f"SlidingWindowRateLimit(max_attempts={self.max_attempts}, per={self.per!r}, "
            f"max_keys={self.max_keys})"
        )


@dataclass(frozen=True, slots=True)
class Resumed:
    """What :meth:`ResumeTokens.redeem_and_reissue` gives back: the draft to open and the token
    that replaces the one just used. ``new_token`` is left out of ``repr`` so that logging this
    object leaks nothing."""

    draft_id: str
    new_token: str = field(repr=False)


class ResumeTokens:
    """Issues and redeems resume tokens for drafts in the SDK's ``fh_drafts`` table.

    * ``lifetime``: how long a token works after it is issued (the draft must also still be open).
    * ``clock`` and ``token_source`` are injected so tests are deterministic;
      ``token_source(32)`` must return 32 random bytes.
    * ``rate_limit``: asked before every redeem of a well-formed token, with a key of the
      caller's ``client_key`` and that token (:func:`attempt_key`); when it says no the attempt
      is refused without looking the token up. With a limit configured, every redeem must pass a
      ``client_key``.

    Redeeming never says why a token was refused; the reason (never the token) is logged at INFO
    on the ``familyhubs_sdk.support.journey._resume`` logger.

    "Save and come back later", where each use swaps the link for a fresh one. The token rides
    in the link's fragment, which browsers never send to the server (so it never reaches an
    access log), and comes back in a POSTed form::

        tokens = ResumeTokens(engine, rate_limit=SlidingWindowRateLimit(10, timedelta(minutes=15)))
        link = f"https://example.org/request/resume#{tokens.issue(draft_id)}"
        ...
        resumed = tokens.redeem_and_reissue(token_from_form, client_key=request.remote_addr)
        session["draft_id"] = resumed.draft_id
        session["resume_token"] = resumed.new_token  # shown again if they save again
    """

    def __init__(
        self,
        engine: Engine,
        *,
        lifetime: timedelta = RESUME_TOKEN_LIFETIME,
        clock: Clock = utc_now,
        token_source: Callable[[int], bytes] = secrets.token_bytes,
        rate_limit: RateLimit | None = None,
    ) -> None:
        if lifetime <= timedelta(0):
            raise ConfigurationError("ResumeTokens lifetime must be a positive duration")
        self._engine = engine
        self.lifetime = lifetime
        self._clock = clock
        self._token_source = token_source
        self._rate_limit = rate_limit

    def __repr__(self) -> str:
        return f"ResumeTokens(lifetime={self.lifetime!r}, rate_limit={self._rate_limit!r})"

    def issue(self, draft_id: str, purpose: str = "resume") -> str:
        """A new token for ``draft_id``; the draft's older unused tokens for ``purpose`` stop
        working, so each draft has one live link.

        Raises :class:`~familyhubs_sdk.errors.TokenError` when the draft is unknown, already sent
        or expired: there is nothing to come back to.
        """
        _check_purpose(purpose)
        now = self._now()
        with _transaction(self._engine) as connection:
            if not _lock_open_draft(connection, draft_id, now):
                raise TokenError(
                    "no link can be made for that draft: it is unknown, sent or expired"
                )
            return self._replace(connection, draft_id, purpose, now)

    def redeem(self, token: str, purpose: str = "resume", *, client_key: str | None = None) -> str:
        """The id of the draft ``token`` opens; the token is used up.

        Raises :class:`~familyhubs_sdk.errors.TokenError` when the client is over its rate limit,
        or the token is malformed, unknown, for another purpose, used, expired or revoked, or its
        draft is gone, expired or already sent.
        """
        digest = self._admit(token, purpose, client_key)
        now = self._now()
        with _transaction(self._engine) as connection:
            draft_id = _claim(connection, digest, now)
            if draft_id is None:
                _refuse("not redeemable")
            return draft_id

    def redeem_and_reissue(
        self, token: str, purpose: str = "resume", *, client_key: str | None = None
    ) -> Resumed:
        """Like :meth:`redeem`, and in the same transaction issue the token that replaces it.

        The link is "swapped on use": once this returns, the old token is dead and the host keeps
        :attr:`Resumed.new_token` to show if the user saves and leaves again. Using up the old
        token and storing the new one happen in one transaction, so a failure leaves neither.
        """
        digest = self._admit(token, purpose, client_key)
        now = self._now()
        with _transaction(self._engine) as connection:
            # Lock the draft before the token, the order issue() uses, so the two cannot deadlock.
            draft_id = connection.execute(
                sa.select(resume_tokens.c.draft_id).where(resume_tokens.c.token_hash == digest)
            ).scalar_one_or_none()
            if draft_id is None or not _lock_open_draft(connection, draft_id, now):
                _refuse("not redeemable")
            if _claim(connection, digest, now) != draft_id:
                _refuse("not redeemable")
            return Resumed(draft_id, self._replace(connection, draft_id, purpose, now))

    def holds(self, draft_id: str, token: str, purpose: str = "resume") -> bool:
        """Whether ``token`` is a live token (unused, unexpired) for ``draft_id``; uses nothing
        up. The journey asks before emailing a link the saved page posts back, so it only ever
        sends a link to the draft of the session that made it.
        """
        return self.expiry(draft_id, token, purpose) is not None

    def expiry(self, draft_id: str, token: str, purpose: str = "resume") -> datetime | None:
        """When ``token`` stops working, counted from its issue, if it is a live token for
        ``draft_id`` (as :meth:`holds`); ``None`` otherwise. Uses nothing up."""
        _check_purpose(purpose)
        if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
            return None
        with _transaction(self._engine) as connection:
            expires_at: datetime | None = connection.execute(
                sa.select(resume_tokens.c.expires_at).where(
                    resume_tokens.c.token_hash == _digest(purpose, token),
                    resume_tokens.c.draft_id == draft_id,
                    resume_tokens.c.used_at.is_(None),
                    resume_tokens.c.expires_at > self._now(),
                )
            ).scalar_one_or_none()
        return expires_at

    def purge(self) -> int:
        """Delete tokens that are used or expired (they can never work again) by this object's
        clock; returns how many."""
        now = self._now()
        with _transaction(self._engine) as connection:
            result = connection.execute(
                resume_tokens.delete().where(
                    sa.or_(resume_tokens.c.used_at.is_not(None), resume_tokens.c.expires_at <= now)
                )
            )
        return int(result.rowcount)

    def _admit(self, token: object, purpose: str, client_key: str | None) -> str:
        """The checks that need no database: shape, then the rate limit on this client trying
        this token. Returns the token's hash."""
        _check_purpose(purpose)
        if self._rate_limit is not None and client_key is None:
            raise ConfigurationError("ResumeTokens has a rate_limit, so redeem needs a client_key")
        if (
            not isinstance(token, str)
            or len(token) != _TOKEN_LENGTH
            or not _TOKEN_SHAPE.fullmatch(token)
        ):
            _refuse("malformed")  # costs nothing: refused before the limit and the database
        if self._rate_limit is not None and not self._rate_limit(
            attempt_key(client_key or "", token, purpose)
        ):
            _refuse("rate limited")
        # Comparing in constant time is not needed: the token is found by its SHA-256 in an index,
        # so any timing the lookup leaks is about the hash, which tells a guesser nothing about
        # which tokens exist.
        return _digest(purpose, token)

    def _replace(self, connection: Connection, draft_id: str, purpose: str, now: datetime) -> str:
        raw = self._token_source(_TOKEN_BYTES)
        if len(raw) != _TOKEN_BYTES:
            raise ConfigurationError(f"ResumeTokens token_source must return {_TOKEN_BYTES} bytes")
        token = TOKEN_PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
        connection.execute(
            resume_tokens.delete().where(
                resume_tokens.c.draft_id == draft_id,
                resume_tokens.c.purpose == purpose,
                resume_tokens.c.used_at.is_(None),
            )
        )
        connection.execute(
            resume_tokens.insert().values(
                token_hash=_digest(purpose, token),
                draft_id=draft_id,
                purpose=purpose,
                created_at=now,
                expires_at=now + self.lifetime,
            )
        )
        return token

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ConfigurationError("ResumeTokens clock must return timezone-aware datetimes")
        return now


def purge_expired_drafts(engine: Engine, *, clock: Clock = utc_now) -> int:
    """Delete drafts that were never sent and have passed ``expires_at``; returns how many.

    Their resume tokens are deleted first, in the same transaction: the foreign key cascades too,
    but SQLite only honours it with ``PRAGMA foreign_keys`` on, and a host may have built its own
    engine. Run it from a scheduled job, e.g. nightly::

        purge_expired_drafts(engine)
        ResumeTokens(engine).purge()
    """
    now = clock()
    purged = 0
    with _transaction(engine) as connection:
        # Lock the rows so a draft saved (and so extended) meanwhile keeps its tokens.
        expired = list(
            connection.execute(
                sa.select(drafts.c.id)
                .where(drafts.c.submitted_at.is_(None), drafts.c.expires_at <= now)
                .with_for_update()
            ).scalars()
        )
        for start in range(0, len(expired), _PURGE_BATCH):
            batch = expired[start : start + _PURGE_BATCH]
            connection.execute(resume_tokens.delete().where(resume_tokens.c.draft_id.in_(batch)))
            purged += connection.execute(drafts.delete().where(drafts.c.id.in_(batch))).rowcount
    return purged


def _digest(purpose: str, token: str) -> str:
    return hashlib.sha256(f"{purpose}:{token}".encode()).hexdigest()


def token_in(text: str) -> str:
    """The resume token in what a person pasted: the code itself, or a whole link holding it
    (``https://…/resume#fhr1_…``). Anything else comes back as it is, for :meth:`redeem` to
    refuse.

    >>> token = "fhr1_" + "A" * 43
    >>> token_in(f"https://example.org/request-support/resume#{token}") == token
    True
    >>> token_in("  not a link ")
    'not a link'
    """
    found = _TOKEN_IN_TEXT.search(text)
    return found.group(1) if found else text.strip()


def attempt_key(client_key: str, token: str, purpose: str = "resume") -> str:
    """What :class:`RateLimit` counts: the client and a 128-bit fingerprint of the token tried.

    The fingerprint is a BLAKE2b keyed for this use, so it differs from the SHA-256 kept in
    ``fh_resume_tokens`` and a limiter's keys cannot be joined with the table.

    >>> key = attempt_key("203.0.113.7", "fhr1_" + "A" * 43)
    >>> key.startswith("203.0.113.7 "), len(key.split(" ")[1])
    (True, 32)
    """
    fingerprint = hashlib.blake2b(
        f"{purpose}:{token}".encode(), digest_size=16, key=b"familyhubs-resume-rate-limit"
    ).hexdigest()
    return f"{client_key} {fingerprint}"


def _check_purpose(purpose: str) -> None:
    if not _PURPOSE_SHAPE.fullmatch(purpose):
        raise ConfigurationError(
            "resume token purpose must be 1 to 30 lowercase letters, digits or underscores"
        )


def _refuse(reason: str) -> Never:
    logger.info("resume token refused: %s", reason)
    raise TokenError(_REFUSED)


def _lock_open_draft(connection: Connection, draft_id: str, now: datetime) -> bool:
    """Whether the draft exists, is unsent and unexpired; its row stays locked until commit
    (PostgreSQL and MariaDB; SQLite has one writer at a time anyway)."""
    return (
        connection.execute(
            sa.select(drafts.c.id)
            .where(
                drafts.c.id == draft_id, drafts.c.submitted_at.is_(None), drafts.c.expires_at > now
            )
            .with_for_update()
        ).first()
        is not None
    )


def _claim(connection: Connection, digest: str, now: datetime) -> str | None:
    """Use up the token with this hash and return its draft's id, or ``None`` if it cannot be used.

    The ``UPDATE ... WHERE used_at IS NULL`` is the claim: the database lets one transaction
    change the row, and every other sees it already used (rowcount 0), however they interleave.
    The draft is checked after, with a plain read, so this takes no lock on ``fh_drafts``; when
    the draft is closed the caller's refusal rolls the claim back.
    """
    claimed = connection.execute(
        resume_tokens.update()
        .where(
            resume_tokens.c.token_hash == digest,
            resume_tokens.c.used_at.is_(None),
            resume_tokens.c.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        return None
    draft_id: str = connection.execute(
        sa.select(resume_tokens.c.draft_id).where(resume_tokens.c.token_hash == digest)
    ).scalar_one()
    open_draft = connection.execute(
        sa.select(drafts.c.id).where(
            drafts.c.id == draft_id, drafts.c.submitted_at.is_(None), drafts.c.expires_at > now
        )
    ).first()
    return None if open_draft is None else draft_id


@contextmanager
def _transaction(engine: Engine) -> Iterator[Connection]:
    """``engine.begin()``, with database errors re-raised without their SQL parameters: those
    hold token hashes, which must not reach a log."""
    try:
        with engine.begin() as connection:
            yield connection
    except sa.exc.OperationalError:
        raise StoreUnavailableError(
            "the resume token store could not be reached or was busy; try again"
        ) from None
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"the resume token store failed ({type(exc).__name__})") from None
