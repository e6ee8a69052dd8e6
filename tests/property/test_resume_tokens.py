"""Any string that is not a live resume token for the purpose asked is refused, and trying it
changes no token: random text, well-formed guesses, near misses of real tokens (one character
changed, cut short, extended, another prefix) and real tokens for another purpose."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from familyhubs_sdk.errors import TokenError
from familyhubs_sdk.questiontree import start
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import resume_tokens
from familyhubs_sdk.support import SQLDraftStore, default_tree
from familyhubs_sdk.support.journey._resume import TOKEN_PREFIX, ResumeTokens

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PURPOSES = ("resume", "share")
URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass
class Issued:
    tokens: ResumeTokens
    engine: sa.Engine
    live: dict[str, list[str]]  # purpose -> tokens that would still work
    used: list[str]

    def untouched(self) -> bool:
        with self.engine.connect() as connection:
            unused = connection.execute(
                sa.select(sa.func.count()).where(resume_tokens.c.used_at.is_(None))
            ).scalar_one()
        return int(unused) == sum(len(tokens) for tokens in self.live.values())


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issued]:
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('resume') / 'resume.db'}")
    upgrade(engine)
    drafts = SQLDraftStore(engine, clock=lambda: NOW)
    tokens = ResumeTokens(engine, clock=lambda: NOW)
    live: dict[str, list[str]] = {purpose: [] for purpose in PURPOSES}
    used: list[str] = []
    for _ in range(3):
        draft_id = drafts.create(start(default_tree()))
        for purpose in PURPOSES:
            live[purpose].append(tokens.issue(draft_id, purpose))
        spent = tokens.issue(drafts.create(start(default_tree())))
        tokens.redeem(spent)
        used.append(spent)
    yield Issued(tokens, engine, live, used)
    engine.dispose()


def _all_issued(issued: Issued) -> list[str]:
    return [*issued.used, *(token for tokens in issued.live.values() for token in tokens)]


@st.composite
def near_misses(draw: st.DrawFn, real: list[str]) -> str:
    token = draw(st.sampled_from(real))
    at = draw(st.integers(0, len(token) - 1))
    change = draw(st.sampled_from(["flip", "truncate", "extend", "prefix", "case", "insert"]))
    if change == "flip":
        return token[:at] + draw(st.sampled_from(URL_SAFE)) + token[at + 1 :]
    if change == "truncate":
        return token[:at]
    if change == "extend":
        return token + draw(st.text(min_size=1, max_size=5))
    if change == "prefix":
        return draw(st.text(max_size=6)) + token[len(TOKEN_PREFIX) :]
    if change == "case":
        return token.swapcase()
    return token[:at] + draw(st.text(min_size=1, max_size=2)) + token[at:]


def _well_formed(raw: bytes) -> str:
    return TOKEN_PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def candidates(issued: Issued) -> st.SearchStrategy[str]:
    real = _all_issued(issued)
    return st.one_of(
        st.text(max_size=80),
        st.text(URL_SAFE, min_size=43, max_size=43).map(lambda body: TOKEN_PREFIX + body),
        st.binary(min_size=32, max_size=32).map(_well_formed),
        near_misses(real),
        st.sampled_from(real),  # used ones, and live ones for the other purpose
    )


@given(data=st.data(), purpose=st.sampled_from(PURPOSES))
def test_anything_but_a_live_token_for_the_purpose_is_refused(
    issued: Issued, data: st.DataObject, purpose: str
) -> None:
    candidate = data.draw(candidates(issued), label="candidate")
    if candidate in issued.live[purpose]:
        return  # a real, live token for this purpose: the one string that may work

    with pytest.raises(TokenError) as raised:
        issued.tokens.redeem(candidate, purpose)

    assert candidate not in str(raised.value) or len(candidate) < 8
    assert issued.untouched()


def test_the_live_tokens_still_work_after_the_fuzzing(issued: Issued) -> None:
    # Runs after the property in file order: every guess above left the real tokens usable.
    for purpose, tokens in issued.live.items():
        for token in tokens:
            issued.tokens.redeem(token, purpose)
        issued.live[purpose] = []
    assert issued.untouched()
