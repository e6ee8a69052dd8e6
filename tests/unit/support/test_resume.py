"""Resume tokens on a real SQLite file: single use, expiry, tampering, purposes, rate limits,
purging, and that no token ever reaches a log line or an error.

The same race on PostgreSQL and MariaDB is in ``tests/integration/test_resume_tokens_db.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.errors import ConfigurationError, StoreUnavailableError, TokenError
from familyhubs_sdk.questiontree import start
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import drafts, resume_tokens
from familyhubs_sdk.support import SQLDraftStore, default_tree
from familyhubs_sdk.support.journey._resume import (
    TOKEN_PREFIX,
    ResumeTokens,
    SlidingWindowRateLimit,
    attempt_key,
    purge_expired_drafts,
)

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class CountingBytes:
    """A deterministic token source: 32 bytes that differ on every call."""

    calls: Iterator[int] = field(default_factory=itertools.count)

    def __call__(self, size: int) -> bytes:
        return next(self.calls).to_bytes(4, "big") * (size // 4)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'resume.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(engine: sa.Engine, clock: Clock) -> SQLDraftStore:
    return SQLDraftStore(engine, clock=clock)


@pytest.fixture
def tokens(engine: sa.Engine, clock: Clock) -> ResumeTokens:
    return ResumeTokens(engine, clock=clock)


@pytest.fixture
def draft_id(store: SQLDraftStore) -> str:
    return store.create(start(default_tree()))


def _rows(engine: sa.Engine) -> list[sa.Row[tuple[object, ...]]]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(resume_tokens)).all())


def _refused(tokens: ResumeTokens, token: object, purpose: str = "resume") -> None:
    with pytest.raises(TokenError) as raised:
        tokens.redeem(token, purpose)  # type: ignore[arg-type]
    assert raised.value.code == "token_invalid"


# Issue and redeem


def test_a_token_opens_its_draft_once(tokens: ResumeTokens, draft_id: str) -> None:
    token = tokens.issue(draft_id)

    assert tokens.redeem(token) == draft_id
    _refused(tokens, token)


def test_a_token_is_url_safe_prefixed_and_carries_256_random_bits(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    asked: list[int] = []

    def source(size: int) -> bytes:
        asked.append(size)
        return bytes(range(size))

    token = ResumeTokens(engine, clock=clock, token_source=source).issue(draft_id)

    assert asked == [32]
    assert token.startswith(TOKEN_PREFIX)
    assert token == "fhr1_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
    assert set(token) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def test_only_a_hash_of_purpose_and_token_is_stored(
    engine: sa.Engine, tokens: ResumeTokens, draft_id: str, clock: Clock
) -> None:
    token = tokens.issue(draft_id)

    (row,) = _rows(engine)
    assert row.token_hash == hashlib.sha256(f"resume:{token}".encode()).hexdigest()
    assert token not in {str(value) for value in row}
    assert row.purpose == "resume"
    assert row.draft_id == draft_id
    assert row.created_at == clock.now
    assert row.expires_at == clock.now + timedelta(days=28)
    assert row.used_at is None


def test_real_tokens_differ(tokens: ResumeTokens, draft_id: str) -> None:
    issued = {tokens.issue(draft_id) for _ in range(20)}
    assert len(issued) == 20


def test_a_token_source_of_the_wrong_size_is_a_configuration_error(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    with pytest.raises(ConfigurationError, match="token_source"):
        ResumeTokens(engine, clock=clock, token_source=lambda size: b"short").issue(draft_id)
    assert _rows(engine) == []


# Refusals


def test_an_expired_token_is_refused(tokens: ResumeTokens, draft_id: str, clock: Clock) -> None:
    token = tokens.issue(draft_id)
    clock.advance(days=28)
    _refused(tokens, token)


def test_a_token_works_until_its_lifetime_ends(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    tokens = ResumeTokens(engine, clock=clock, lifetime=timedelta(hours=1))
    token = tokens.issue(draft_id)
    clock.advance(minutes=59, seconds=59)
    assert tokens.redeem(token) == draft_id


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: t[:-1], id="truncated"),
        pytest.param(lambda t: t + "A", id="extended"),
        pytest.param(lambda t: t + "\n", id="trailing-newline"),
        pytest.param(lambda t: " " + t, id="leading-space"),
        pytest.param(lambda t: "fhr2_" + t[5:], id="other-version-prefix"),
        pytest.param(lambda t: t.upper(), id="upper-cased"),
        pytest.param(lambda t: t[5:], id="prefix-removed"),
        pytest.param(lambda t: t[5:] + "AAAAA", id="prefix-swapped-for-padding"),
        pytest.param(lambda t: t + "=", id="base64-padding"),
        pytest.param(lambda t: t.replace("-", "+").replace("_", "/"), id="standard-base64"),
        pytest.param(lambda t: "", id="empty"),
    ],
)
def test_a_tampered_token_is_refused_and_the_real_one_still_works(
    tokens: ResumeTokens, draft_id: str, tamper: Callable[[str], str]
) -> None:
    token = tokens.issue(draft_id)
    altered = tamper(token)
    if altered == token:  # standard-base64 only alters tokens that hold - or _
        altered = token[:-1] + ("A" if token[-1] != "A" else "E")

    _refused(tokens, altered)
    assert tokens.redeem(token) == draft_id


def test_flipping_any_one_character_is_refused(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    tokens = ResumeTokens(engine, clock=clock, token_source=CountingBytes())
    token = tokens.issue(draft_id)
    for position, char in enumerate(token):
        flipped = "B" if char != "B" else "C"
        _refused(tokens, token[:position] + flipped + token[position + 1 :])
    # The last character only takes 16 values; every other one of them is refused too.
    for last in "AEIMQUYcgkosw048":
        if last != token[-1]:
            _refused(tokens, token[:-1] + last)
    assert tokens.redeem(token) == draft_id


@pytest.mark.parametrize("value", [None, 42, b"fhr1_" + b"A" * 43])
def test_a_token_that_is_not_text_is_refused(tokens: ResumeTokens, value: object) -> None:
    _refused(tokens, value)


def test_a_token_for_another_purpose_is_refused(tokens: ResumeTokens, draft_id: str) -> None:
    token = tokens.issue(draft_id, purpose="resume")

    _refused(tokens, token, purpose="share")
    assert tokens.redeem(token, purpose="resume") == draft_id


def test_each_purpose_has_its_own_live_link(tokens: ResumeTokens, draft_id: str) -> None:
    resume = tokens.issue(draft_id, purpose="resume")
    share = tokens.issue(draft_id, purpose="share")

    assert tokens.redeem(share, purpose="share") == draft_id
    assert tokens.redeem(resume) == draft_id


@pytest.mark.parametrize("purpose", ["", "Resume", "re:sume", "x" * 31, "1st"])
def test_a_malformed_purpose_is_a_configuration_error(
    tokens: ResumeTokens, draft_id: str, purpose: str
) -> None:
    with pytest.raises(ConfigurationError, match="purpose"):
        tokens.issue(draft_id, purpose=purpose)
    with pytest.raises(ConfigurationError, match="purpose"):
        tokens.redeem(TOKEN_PREFIX + "A" * 43, purpose=purpose)


def test_a_token_for_a_sent_draft_is_refused(
    tokens: ResumeTokens, store: SQLDraftStore, draft_id: str
) -> None:
    token = tokens.issue(draft_id)
    store.mark_submitted(draft_id, "ACDE3467")

    _refused(tokens, token)
    with pytest.raises(TokenError):
        tokens.redeem_and_reissue(token)


def test_a_token_for_an_expired_draft_is_refused(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    tokens = ResumeTokens(engine, clock=clock, lifetime=timedelta(days=60))
    token = tokens.issue(draft_id)
    clock.advance(days=29)  # the draft lives 28 days from its last save

    _refused(tokens, token)


def test_a_refusal_for_a_closed_draft_leaves_the_token_unused(
    engine: sa.Engine, tokens: ResumeTokens, store: SQLDraftStore, draft_id: str
) -> None:
    token = tokens.issue(draft_id)
    store.mark_submitted(draft_id, "ACDE3467")
    _refused(tokens, token)

    (row,) = _rows(engine)
    assert row.used_at is None


def test_a_token_whose_draft_was_deleted_is_refused(
    engine: sa.Engine, tokens: ResumeTokens, draft_id: str
) -> None:
    token = tokens.issue(draft_id)
    with engine.begin() as connection:
        connection.execute(drafts.delete().where(drafts.c.id == draft_id))
    _refused(tokens, token)


def test_a_link_cannot_be_made_for_a_draft_that_is_not_open(
    engine: sa.Engine, tokens: ResumeTokens, store: SQLDraftStore, draft_id: str, clock: Clock
) -> None:
    with pytest.raises(TokenError):
        tokens.issue("00000000-0000-0000-0000-000000000000")
    store.mark_submitted(draft_id, "ACDE3467")
    with pytest.raises(TokenError):
        tokens.issue(draft_id)
    other = store.create(start(default_tree()))
    clock.advance(days=28)
    with pytest.raises(TokenError):
        tokens.issue(other)
    assert _rows(engine) == []


def test_every_refusal_says_the_same_thing(
    tokens: ResumeTokens, store: SQLDraftStore, draft_id: str, clock: Clock
) -> None:
    used = tokens.issue(draft_id)
    tokens.redeem(used)
    other = store.create(start(default_tree()))
    expired = tokens.issue(other)
    clock.advance(days=30)
    messages = set()
    for token, purpose in [
        (used, "resume"),
        (expired, "resume"),
        (used, "share"),
        ("nonsense", "resume"),
        (TOKEN_PREFIX + "A" * 43, "resume"),
    ]:
        with pytest.raises(TokenError) as raised:
            tokens.redeem(token, purpose)
        messages.add(str(raised.value))
    assert len(messages) == 1


# One live link per draft, swapped on use


def test_issuing_again_revokes_the_older_link(tokens: ResumeTokens, draft_id: str) -> None:
    first = tokens.issue(draft_id)
    second = tokens.issue(draft_id)

    _refused(tokens, first)
    assert tokens.redeem(second) == draft_id


def test_issuing_for_one_draft_leaves_other_drafts_links_alone(
    tokens: ResumeTokens, store: SQLDraftStore, draft_id: str
) -> None:
    other = store.create(start(default_tree()))
    mine = tokens.issue(draft_id)
    tokens.issue(other)

    assert tokens.redeem(mine) == draft_id


def test_redeem_and_reissue_swaps_the_link(tokens: ResumeTokens, draft_id: str) -> None:
    old = tokens.issue(draft_id)

    resumed = tokens.redeem_and_reissue(old)

    assert resumed.draft_id == draft_id
    assert resumed.new_token != old
    _refused(tokens, old)
    assert tokens.redeem(resumed.new_token) == draft_id
    _refused(tokens, resumed.new_token)


def test_redeem_and_reissue_can_chain(tokens: ResumeTokens, draft_id: str) -> None:
    token = tokens.issue(draft_id)
    for _ in range(3):
        resumed = tokens.redeem_and_reissue(token)
        assert resumed.draft_id == draft_id
        token = resumed.new_token
    assert tokens.redeem(token) == draft_id


def test_a_refused_reissue_makes_no_new_token(
    engine: sa.Engine, tokens: ResumeTokens, draft_id: str, clock: Clock
) -> None:
    token = tokens.issue(draft_id)
    clock.advance(days=28)

    with pytest.raises(TokenError):
        tokens.redeem_and_reissue(token)
    with pytest.raises(TokenError):
        tokens.redeem_and_reissue("fhr1_short")
    assert len(_rows(engine)) == 1


def test_the_reissued_token_is_for_the_same_purpose(tokens: ResumeTokens, draft_id: str) -> None:
    resumed = tokens.redeem_and_reissue(tokens.issue(draft_id, "share"), "share")

    _refused(tokens, resumed.new_token, purpose="resume")
    assert tokens.redeem(resumed.new_token, purpose="share") == draft_id


def test_redeem_is_safe_when_called_by_many_threads(tokens: ResumeTokens, draft_id: str) -> None:
    # SQLite runs one writer at a time; the busy timeout makes the others wait, not fail. The
    # same race on PostgreSQL and MariaDB is in tests/integration/test_resume_tokens_db.py.
    token = tokens.issue(draft_id)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            outcomes.append(tokens.redeem(token))
        except TokenError:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [draft_id] + ["refused"] * 7


# Rate limits


def test_a_rate_limited_client_is_refused_without_touching_tokens(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    limit = SlidingWindowRateLimit(3, per=timedelta(minutes=15), clock=clock)
    tokens = ResumeTokens(engine, clock=clock, rate_limit=limit)
    token = tokens.issue(draft_id)
    for _ in range(3):  # this client has already tried this link three times
        assert limit(attempt_key("203.0.113.7", token))
    before = _rows(engine)

    with pytest.raises(TokenError):
        tokens.redeem(token, client_key="203.0.113.7")
    with pytest.raises(TokenError):
        tokens.redeem_and_reissue(token, client_key="203.0.113.7")

    assert _rows(engine) == before
    assert before[0].used_at is None
    clock.advance(minutes=15)
    assert tokens.redeem(token, client_key="203.0.113.7") == draft_id


def test_junk_tries_never_use_up_a_valid_tokens_allowance(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    # Finding: keyed on the client alone, 20 junk tries from a shared address (a council proxy,
    # a hospital NAT) locked every family behind it out of their own links for 15 minutes.
    limit = SlidingWindowRateLimit(3, per=timedelta(minutes=15), clock=clock)
    tokens = ResumeTokens(engine, clock=clock, rate_limit=limit)
    token = tokens.issue(draft_id)
    junk = [TOKEN_PREFIX + f"{n:042d}" + "A" for n in range(20)]
    for guess in [*junk, junk[0], junk[0], junk[0], "fhr1_short", "nonsense"]:
        with pytest.raises(TokenError):
            tokens.redeem(guess, client_key="203.0.113.7")

    assert tokens.redeem(token, client_key="203.0.113.7") == draft_id


def test_the_limit_counts_each_client_and_token_apart(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    seen: list[str] = []

    def record(key: str) -> bool:
        seen.append(key)
        return True

    tokens = ResumeTokens(engine, clock=clock, rate_limit=record)
    token, other = tokens.issue(draft_id), tokens.issue(draft_id, purpose="share")
    for client, tried in [("a", token), ("a", token), ("a", other), ("b", token)]:
        with contextlib.suppress(TokenError):  # the first use works; later ones are refused
            tokens.redeem(tried, "share" if tried is other else "resume", client_key=client)
    with pytest.raises(TokenError):
        tokens.redeem("not even well formed", client_key="a")  # refused before the limit

    first, again, other_token, other_client = seen
    assert first == again
    assert len({first, other_token, other_client}) == 3
    assert first.startswith("a ")
    assert other_client.startswith("b ")
    stored = hashlib.sha256(f"resume:{token}".encode()).hexdigest()
    for key in seen:  # the fingerprint opens nothing and never matches the stored hash
        assert token[5:25] not in key
        assert other[5:25] not in key
        assert stored[:16] not in key


def test_a_rate_limit_is_per_client(engine: sa.Engine, draft_id: str, clock: Clock) -> None:
    limit = SlidingWindowRateLimit(1, per=timedelta(minutes=15), clock=clock)
    tokens = ResumeTokens(engine, clock=clock, rate_limit=limit)
    token = tokens.issue(draft_id)
    with pytest.raises(TokenError):
        tokens.redeem("guess", client_key="203.0.113.7")

    assert tokens.redeem(token, client_key="198.51.100.2") == draft_id


def test_a_configured_rate_limit_needs_a_client_key(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    tokens = ResumeTokens(engine, clock=clock, rate_limit=lambda client_key: True)
    token = tokens.issue(draft_id)
    with pytest.raises(ConfigurationError, match="client_key"):
        tokens.redeem(token)
    assert tokens.redeem(token, client_key="k") == draft_id


def test_a_host_rate_limit_sees_the_client_key(
    engine: sa.Engine, draft_id: str, clock: Clock
) -> None:
    seen: list[str] = []

    def refuse_all(client_key: str) -> bool:
        seen.append(client_key)
        return False

    tokens = ResumeTokens(engine, clock=clock, rate_limit=refuse_all)
    token = tokens.issue(draft_id)
    with pytest.raises(TokenError):
        tokens.redeem(token, client_key="session-1")
    assert seen == [attempt_key("session-1", token)]
    assert seen[0].startswith("session-1 ")


def test_the_sliding_window_slides(clock: Clock) -> None:
    limit = SlidingWindowRateLimit(2, per=timedelta(minutes=10), clock=clock)
    assert limit("a")
    clock.advance(minutes=6)
    assert limit("a")
    assert not limit("a")
    clock.advance(minutes=4)  # the first attempt has left the window
    assert limit("a")
    assert not limit("a")


def test_the_sliding_window_forgets_quiet_clients(clock: Clock) -> None:
    limit = SlidingWindowRateLimit(2, per=timedelta(minutes=10), clock=clock)
    for client in range(100):
        limit(f"client-{client}")
    clock.advance(minutes=11)
    limit("new")
    assert set(limit._attempts) == {"new"}


def test_the_sliding_window_forgets_the_longest_quiet_keys_beyond_its_bound(
    clock: Clock,
) -> None:
    limit = SlidingWindowRateLimit(1, per=timedelta(minutes=10), clock=clock, max_keys=3)
    for key in ("a", "b", "c"):
        assert limit(key)
        clock.advance(seconds=1)
    assert not limit("a")  # refused tries do not make a key recent
    assert limit("d")  # a fourth key: "a", the longest quiet, is forgotten
    assert list(limit._attempts) == ["b", "c", "d"]
    assert limit("a")
    assert not limit("d")


def test_the_sliding_window_is_thread_safe(clock: Clock) -> None:
    limit = SlidingWindowRateLimit(50, per=timedelta(minutes=10), clock=clock)
    barrier = threading.Barrier(16)
    allowed: list[bool] = []

    def hammer() -> None:
        barrier.wait()
        allowed.extend(limit("same-client") for _ in range(10))

    threads = [threading.Thread(target=hammer) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 50
    assert allowed.count(False) == 110


@pytest.mark.parametrize(
    ("max_attempts", "per", "max_keys"),
    [
        (0, timedelta(minutes=1), 10),
        (1, timedelta(0), 10),
        (1, timedelta(-1), 10),
        (1, timedelta(minutes=1), 0),
    ],
)
def test_a_sliding_window_needs_sensible_settings(
    max_attempts: int, per: timedelta, max_keys: int
) -> None:
    with pytest.raises(ConfigurationError, match="SlidingWindowRateLimit"):
        SlidingWindowRateLimit(max_attempts, per, max_keys=max_keys)


def test_resume_tokens_need_a_positive_lifetime(engine: sa.Engine) -> None:
    with pytest.raises(ConfigurationError, match="lifetime"):
        ResumeTokens(engine, lifetime=timedelta(0))


def test_a_naive_clock_is_a_configuration_error(engine: sa.Engine, draft_id: str) -> None:
    with pytest.raises(ConfigurationError, match="clock"):
        ResumeTokens(engine, clock=lambda: datetime(2026, 6, 1)).issue(draft_id)


# Purging


def test_purge_deletes_used_and_expired_tokens_only(
    engine: sa.Engine, tokens: ResumeTokens, store: SQLDraftStore, draft_id: str, clock: Clock
) -> None:
    tokens.redeem(tokens.issue(draft_id))  # used
    tokens.issue(draft_id, purpose="expiring")
    clock.advance(days=20)
    live = store.create(start(default_tree()))
    tokens.issue(live)
    clock.advance(days=8)  # "expiring" is now 28 days old

    assert tokens.purge() == 2
    assert [row.draft_id for row in _rows(engine)] == [live]
    assert tokens.purge() == 0


def test_purge_goes_by_the_tokens_clock(
    engine: sa.Engine, tokens: ResumeTokens, draft_id: str, clock: Clock
) -> None:
    tokens.issue(draft_id)
    clock.advance(days=27)
    assert tokens.purge() == 0
    clock.advance(days=1)
    assert tokens.purge() == 1


def test_purge_expired_drafts_deletes_unsent_expired_drafts_and_their_tokens(
    engine: sa.Engine, tokens: ResumeTokens, store: SQLDraftStore, clock: Clock
) -> None:
    expired = store.create(start(default_tree()))
    tokens.issue(expired)
    sent = store.create(start(default_tree()))
    store.mark_submitted(sent, "ACDE3467")
    clock.advance(days=10)
    live = store.create(start(default_tree()))
    live_token = tokens.issue(live)
    clock.advance(days=20)

    with engine.connect() as connection:
        # Prove the explicit delete works without SQLite's foreign-key cascade.
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        assert purge_expired_drafts(engine, clock=clock) == 1

    with engine.connect() as connection:
        remaining = set(connection.execute(sa.select(drafts.c.id)).scalars())
    assert remaining == {sent, live}
    assert [row.draft_id for row in _rows(engine)] == [live]
    assert tokens.redeem(live_token) == live
    assert purge_expired_drafts(engine, clock=clock) == 0


def test_purge_expired_drafts_handles_more_than_one_batch(
    engine: sa.Engine, store: SQLDraftStore, clock: Clock
) -> None:
    state = start(default_tree())
    for _ in range(501):
        store.create(state)
    clock.advance(days=29)
    assert purge_expired_drafts(engine, clock=clock) == 501


# Secrets stay secret


def test_no_token_or_hash_reaches_logs_errors_or_reprs(
    engine: sa.Engine,
    store: SQLDraftStore,
    draft_id: str,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    limit = SlidingWindowRateLimit(100, per=timedelta(minutes=1), clock=clock)
    tokens = ResumeTokens(engine, clock=clock, rate_limit=limit)
    issued: list[str] = []
    shown: list[str] = [repr(tokens), repr(limit)]

    canary = tokens.issue(draft_id)
    resumed = tokens.redeem_and_reissue(canary, client_key="c")
    expiring = tokens.issue(store.create(start(default_tree())))
    issued += [canary, resumed.new_token, expiring]
    shown += [repr(resumed), str(resumed)]
    failures: list[Callable[[], object]] = [
        lambda: tokens.redeem(canary, client_key="c"),  # used
        lambda: tokens.redeem(canary, "share", client_key="c"),  # wrong purpose
        lambda: tokens.redeem(canary[:-1], client_key="c"),  # malformed
        lambda: tokens.redeem_and_reissue(canary, client_key="c"),  # used
        lambda: tokens.redeem(resumed.new_token),  # no client key
        lambda: tokens.redeem(expiring, client_key="c"),  # expired (see below)
        lambda: ResumeTokens(engine, rate_limit=lambda key: False).redeem(canary, client_key="c"),
    ]
    clock.advance(days=29)
    for fail in failures:
        with pytest.raises((TokenError, ConfigurationError)) as raised:
            fail()
        shown += [str(raised.value), repr(raised.value), repr(raised.value.args)]
    tokens.purge()
    purge_expired_drafts(engine, clock=clock)

    assert any("resume token refused" in record.getMessage() for record in caplog.records)
    hashes = [
        hashlib.sha256(f"{purpose}:{token}".encode()).hexdigest()
        for token in issued
        for purpose in ("resume", "share")
    ]
    # SQLAlchemy's SQL echo (off unless the host turns it on) logs bound parameters: hashes, never
    # a token. Everything else, the SDK's own logging included, holds neither.
    not_echo = [record for record in caplog.records if not record.name.startswith("sqlalchemy")]
    for secret in [*issued, *hashes]:
        assert all(secret not in text for text in shown)
        assert all(secret not in str(vars(record)) for record in not_echo)
    for token in issued:
        assert token not in caplog.text
        assert all(token not in str(vars(record)) for record in caplog.records)


def test_database_errors_do_not_carry_sql_parameters(
    engine: sa.Engine, tokens: ResumeTokens, draft_id: str
) -> None:
    token = tokens.issue(draft_id)
    digest = hashlib.sha256(f"resume:{token}".encode()).hexdigest()
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE fh_resume_tokens")
        connection.exec_driver_sql("CREATE TABLE fh_resume_tokens (token_hash TEXT)")

    with pytest.raises(StoreUnavailableError) as raised:
        tokens.redeem(token)

    assert raised.value.__suppress_context__
    for text in (str(raised.value), repr(raised.value)):
        assert digest not in text
        assert token not in text
