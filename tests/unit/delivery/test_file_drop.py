"""The file-drop channel: whole files or none, idempotent by name, OS errors retried."""

from __future__ import annotations

import base64
import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from familyhubs_sdk.delivery import DeliveryOutcome, FileDropChannel, OutboundMessage
from familyhubs_sdk.errors import DeliveryError

MakeMessage = Callable[..., OutboundMessage]


def test_writes_one_json_file_named_by_reference_and_key(
    tmp_path: Path, make_message: MakeMessage
) -> None:
    message = make_message()
    result = FileDropChannel(tmp_path).deliver(message)

    assert (result.outcome, result.detail) == (DeliveryOutcome.DELIVERED, "written")
    assert os.listdir(tmp_path) == ["K7QD4RXA-fh_0001.json"]
    document = json.loads((tmp_path / "K7QD4RXA-fh_0001.json").read_text())
    assert document["payload"] == message.payload
    assert document["text"] == message.text
    assert document["idempotency_key"] == "fh_0001"
    assert [base64.b64decode(f["data"]) for f in document["attachments"]] == [b"%PDF-1.7 letter"]


def test_a_repeat_is_delivered_without_rewriting(tmp_path: Path, make_message: MakeMessage) -> None:
    channel = FileDropChannel(tmp_path)
    channel.deliver(make_message(payload={"attempt": 1}))
    repeat = channel.deliver(make_message(payload={"attempt": 2}))

    assert (repeat.outcome, repeat.detail) == (DeliveryOutcome.DELIVERED, "already delivered")
    document = json.loads(channel.path_for(make_message()).read_text())
    assert document["payload"] == {"attempt": 1}
    assert len(os.listdir(tmp_path)) == 1


def test_content_is_written_under_a_temporary_name_then_renamed(
    tmp_path: Path, make_message: MakeMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Look at the folder at the moment the data is fsynced: the final name must not exist yet,
    # so a pick-up process can never read a half-written request.
    seen: list[list[str]] = []
    real_fsync = os.fsync

    def watching_fsync(fd: int) -> None:
        seen.append(sorted(os.listdir(tmp_path)))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", watching_fsync)
    FileDropChannel(tmp_path).deliver(make_message())

    (temporary,) = seen[0]
    assert temporary.startswith(".")
    assert temporary.endswith(".tmp")
    assert len(seen) == 2, "the file and then its folder are fsynced"
    assert seen[1] == ["K7QD4RXA-fh_0001.json"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_leaves_nothing_behind_and_is_retried(
    failing: str, tmp_path: Path, make_message: MakeMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, disk_full)
    result = FileDropChannel(tmp_path).deliver(make_message())

    assert (result.outcome, result.detail) == (
        DeliveryOutcome.RETRY,
        "cannot write file (ENOSPC)",
    )
    assert os.listdir(tmp_path) == []


def test_attachments_over_the_cap_are_left_out(tmp_path: Path, make_message: MakeMessage) -> None:
    channel = FileDropChannel(tmp_path, max_attachment_bytes=3)
    channel.deliver(make_message())
    document = json.loads(channel.path_for(make_message()).read_text())

    assert document["attachments"] == []
    assert document["attachments_omitted"] is True


def test_unsafe_names_are_permanent(tmp_path: Path, make_message: MakeMessage) -> None:
    result = FileDropChannel(tmp_path).deliver(make_message(reference="../../etc"))

    assert result.outcome is DeliveryOutcome.PERMANENT
    assert os.listdir(tmp_path) == []


def test_a_missing_folder_is_refused_at_construction(tmp_path: Path) -> None:
    with pytest.raises(DeliveryError, match="folder"):
        FileDropChannel(tmp_path / "nowhere")
