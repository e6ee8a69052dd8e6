"""CapturingChannel: scripted answers, recorded messages, safe across threads."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from familyhubs_sdk.delivery import DeliveryOutcome, DeliveryResult, OutboundMessage
from familyhubs_sdk.testing import CapturingChannel

MakeMessage = Callable[..., OutboundMessage]


def test_fails_twice_then_delivers(make_message: MakeMessage) -> None:
    channel = CapturingChannel(
        "email", script=[DeliveryResult.retry("SMTP 451"), DeliveryResult.retry("SMTP 451")]
    )
    outcomes = [channel.deliver(make_message()).outcome for _ in range(3)]

    assert outcomes == [DeliveryOutcome.RETRY, DeliveryOutcome.RETRY, DeliveryOutcome.DELIVERED]
    assert len(channel.messages) == 3
    assert [m.idempotency_key for m in channel.delivered] == ["fh_0001"]
    assert channel.name == "email"


def test_then_and_added_script(make_message: MakeMessage) -> None:
    channel = CapturingChannel(then=DeliveryResult.permanent("HTTP 400"))
    channel.add_script(DeliveryResult.delivered())

    assert channel.deliver(make_message("fh_a")).outcome is DeliveryOutcome.DELIVERED
    assert channel.deliver(make_message("fh_b")).outcome is DeliveryOutcome.PERMANENT
    assert list(channel.effects) == ["fh_a"]


def test_a_scripted_exception_is_raised(make_message: MakeMessage) -> None:
    channel = CapturingChannel(script=[RuntimeError("channel bug")])

    with pytest.raises(RuntimeError, match="channel bug"):
        channel.deliver(make_message())
    assert channel.deliver(make_message()).outcome is DeliveryOutcome.DELIVERED


def test_each_scripted_answer_is_used_exactly_once_across_threads(
    make_message: MakeMessage,
) -> None:
    channel = CapturingChannel(script=[DeliveryResult.retry("HTTP 503")] * 100)
    retries: list[int] = []

    def work(n: int) -> None:
        count = 0
        for i in range(50):
            result = channel.deliver(make_message(f"fh_{n}_{i}"))
            count += result.outcome is DeliveryOutcome.RETRY
        retries.append(count)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(retries) == 100
    assert (len(channel.messages), len(channel.delivered)) == (400, 300)
