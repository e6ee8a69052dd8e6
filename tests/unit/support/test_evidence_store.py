"""Evidence storages: generated names only, no overwrites, nothing half-written."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from familyhubs_sdk.errors import StoreError
from familyhubs_sdk.support.evidence._storage import (
    EvidenceStorage,
    FilesystemEvidenceStorage,
    InMemoryEvidenceStorage,
)

NAME = "0123456789abcdef0123456789abcdef.pdf"
BAD_NAMES = [
    "../../etc/passwd",
    "../0123456789abcdef0123456789abcdef.pdf",
    "/srv/0123456789abcdef0123456789abcdef.pdf",
    "0123456789ABCDEF0123456789ABCDEF.pdf",
    "0123456789abcdef0123456789abcdef.exe",
    "0123456789abcdef0123456789abcdef.pdf\n",
    "0123456789abcdef0123456789abcdef.pdf/..",
    ".0123456789abcdef0123456789abcdef.pdf.1a2b3c4d.tmp",
    "letter.pdf",
    "",
]


@pytest.fixture(params=["memory", "filesystem"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EvidenceStorage]:
    with (
        InMemoryEvidenceStorage()
        if request.param == "memory"
        else FilesystemEvidenceStorage(tmp_path / "evidence")
    ) as chosen:
        yield chosen


def test_put_get_delete(storage: EvidenceStorage) -> None:
    storage.put(NAME, b"%PDF-\r\n\x00bytes")
    assert storage.get(NAME) == b"%PDF-\r\n\x00bytes"
    storage.delete(NAME)
    with pytest.raises(StoreError, match="no evidence"):
        storage.get(NAME)
    storage.delete(NAME)  # deleting twice is fine: cleanup can be retried


def test_put_never_overwrites(storage: EvidenceStorage) -> None:
    storage.put(NAME, b"first")
    with pytest.raises(StoreError, match="already stored"):
        storage.put(NAME, b"second")
    assert storage.get(NAME) == b"first"


@pytest.mark.parametrize("name", BAD_NAMES)
def test_only_generated_names_are_accepted(storage: EvidenceStorage, name: str) -> None:
    for call in (lambda: storage.put(name, b"x"), lambda: storage.get(name)):
        with pytest.raises(StoreError, match="generated"):
            call()
    with pytest.raises(StoreError, match="generated"):
        storage.delete(name)


def test_checked_name_passes_a_generated_name() -> None:
    assert EvidenceStorage.checked_name(NAME) == NAME


def test_a_half_done_subclass_fails_at_construction() -> None:
    class OnlyPut(EvidenceStorage):
        def put(self, storage_name: str, data: bytes) -> None: ...

    with pytest.raises(TypeError, match="abstract"):
        OnlyPut()  # type: ignore[abstract]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_files_are_private_to_the_process_user(tmp_path: Path) -> None:
    old = os.umask(0)  # the most permissive umask must not widen the file
    try:
        storage = FilesystemEvidenceStorage(tmp_path / "evidence")
        storage.put(NAME, b"data")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "evidence" / NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "evidence").stat().st_mode) == 0o700


def test_a_failed_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = FilesystemEvidenceStorage(tmp_path)

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StoreError, match="No space left"):
        storage.put(NAME, b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_folder_sync_removes_the_renamed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = FilesystemEvidenceStorage(tmp_path)
    real_fsync = os.fsync
    calls: list[int] = []

    def fail_second(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 2:  # the folder's fsync, after the rename
            raise OSError(5, "Input/output error")
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fail_second)
    with pytest.raises(StoreError):
        storage.put(NAME, b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_read_is_a_store_error(tmp_path: Path) -> None:
    storage = FilesystemEvidenceStorage(tmp_path)
    (tmp_path / NAME).mkdir()  # a folder where a file should be
    with pytest.raises(StoreError, match="could not read"):
        storage.get(NAME)
    with pytest.raises(StoreError, match="could not delete"):
        storage.delete(NAME)


def test_bytes_are_written_exactly(tmp_path: Path) -> None:
    storage = FilesystemEvidenceStorage(tmp_path)
    data = bytes(range(256)) * 10
    storage.put(NAME, data)
    assert (tmp_path / NAME).read_bytes() == data
