"""Where evidence bytes are kept, under generated storage names: a folder, the database, memory,
or your own.

Storages only ever see names made by :func:`~familyhubs_sdk.support.evidence.validate_upload`
(32 random hex digits and an extension); each one refuses any other name, so a path from an
upload can never reach the disk even if a caller forgets to check. Metadata (who, which draft,
display name) lives apart, in the evidence index.
"""

from __future__ import annotations

import os
import secrets
from abc import ABC, abstractmethod
from contextlib import suppress
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import StoreError
from familyhubs_sdk.store._schema import evidence_blobs
from familyhubs_sdk.support.evidence._types import is_storage_name

__all__ = [
    "DatabaseEvidenceStorage",
    "EvidenceStorage",
    "FilesystemEvidenceStorage",
    "InMemoryEvidenceStorage",
]


# O_BINARY stops Windows turning "\n" into "\r\n"; it is 0 (absent) elsewhere.
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


class EvidenceStorage(ABC):
    """Keeps evidence bytes by storage name. Subclass for object storage or a database.

    ``put`` must be all-or-nothing (a failed ``put`` leaves nothing readable) and must refuse to
    overwrite; ``delete`` of a missing name is not an error, so cleanup can always be retried.
    Failures raise :class:`~familyhubs_sdk.errors.StoreError`. Pass every name through
    :meth:`checked_name` first. :class:`InMemoryEvidenceStorage` below is a complete subclass.
    """

    @staticmethod
    def checked_name(storage_name: str) -> str:
        """``storage_name`` if it has the generated shape; :class:`StoreError` otherwise.

        >>> EvidenceStorage.checked_name("../../etc/passwd")
        Traceback (most recent call last):
        ...
        familyhubs_sdk.errors.StoreError: not a generated evidence storage name
        """
        if not is_storage_name(storage_name):
            raise StoreError("not a generated evidence storage name")
        return storage_name

    @abstractmethod
    def put(self, storage_name: str, data: bytes) -> None:
        """Store ``data`` durably under a new ``storage_name``; raise :class:`StoreError`."""

    @abstractmethod
    def get(self, storage_name: str) -> bytes:
        """The bytes stored under ``storage_name``; :class:`StoreError` if there are none."""

    @abstractmethod
    def delete(self, storage_name: str) -> None:
        """Forget ``storage_name``; nothing happens if it is not stored."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections or handles; the default holds none."""

    def __enter__(self) -> EvidenceStorage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class InMemoryEvidenceStorage(EvidenceStorage):
    """Evidence in a dict: for tests and single-process demos.

    >>> storage = InMemoryEvidenceStorage()
    >>> storage.put("0123456789abcdef0123456789abcdef.pdf", b"%PDF-")
    >>> storage.get("0123456789abcdef0123456789abcdef.pdf")
    b'%PDF-'
    """

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, storage_name: str, data: bytes) -> None:
        if self.checked_name(storage_name) in self.blobs:
            raise StoreError("evidence already stored under that name")
        self.blobs[storage_name] = bytes(data)

    def get(self, storage_name: str) -> bytes:
        try:
            return self.blobs[self.checked_name(storage_name)]
        except KeyError:
            raise StoreError("no evidence stored under that name") from None

    def delete(self, storage_name: str) -> None:
        self.blobs.pop(self.checked_name(storage_name), None)


class FilesystemEvidenceStorage(EvidenceStorage):
    """Evidence as files in one folder, readable and writable by this process's user only.

    Each file is written to a temporary name, flushed to disk and renamed into place, so a crash
    never leaves half a file under a real name. The folder is made (mode ``0o700``) if missing;
    keep it outside any folder the web server serves.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _path(self, storage_name: str) -> Path:
        return self.folder / self.checked_name(storage_name)

    def put(self, storage_name: str, data: bytes) -> None:
        target = self._path(storage_name)
        if target.exists():
            raise StoreError("evidence already stored under that name")
        temporary = self.folder / f".{storage_name}.{secrets.token_hex(4)}.tmp"
        replaced = False
        try:
            descriptor = os.open(temporary, _CREATE_FLAGS, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                if hasattr(os, "fchmod"):  # the umask can only narrow it, but be exact
                    os.fchmod(handle.fileno(), 0o600)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
            replaced = True
            self._sync_folder()
        except OSError as exc:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
                if replaced:
                    target.unlink(missing_ok=True)
            raise StoreError(f"could not store evidence: {exc.strerror or 'OS error'}") from exc

    def _sync_folder(self) -> None:
        # The rename is durable only once the folder itself is flushed (POSIX only).
        if os.name != "posix":
            return
        descriptor = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def get(self, storage_name: str) -> bytes:
        try:
            return self._path(storage_name).read_bytes()
        except FileNotFoundError:
            raise StoreError("no evidence stored under that name") from None
        except OSError as exc:
            raise StoreError(f"could not read evidence: {exc.strerror or 'OS error'}") from exc

    def delete(self, storage_name: str) -> None:
        try:
            self._path(storage_name).unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(f"could not delete evidence: {exc.strerror or 'OS error'}") from exc


class DatabaseEvidenceStorage(EvidenceStorage):
    """Evidence bytes in the SDK's own database (``fh_evidence_blobs``): no file store to secure
    or back up separately, at the cost of a bigger database. One transaction per file.
    """

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock

    def put(self, storage_name: str, data: bytes) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    evidence_blobs.insert().values(
                        storage_name=self.checked_name(storage_name),
                        data=bytes(data),
                        created_at=self._clock(),
                    )
                )
        except sa.exc.IntegrityError:
            raise StoreError("evidence already stored under that name") from None

    def get(self, storage_name: str) -> bytes:
        with self._engine.connect() as connection:
            data = connection.scalar(
                sa.select(evidence_blobs.c.data).where(
                    evidence_blobs.c.storage_name == self.checked_name(storage_name)
                )
            )
        if data is None:
            raise StoreError("no evidence stored under that name")
        return bytes(data)

    def delete(self, storage_name: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                evidence_blobs.delete().where(
                    evidence_blobs.c.storage_name == self.checked_name(storage_name)
                )
            )
