"""Deliver requests as JSON files into a folder the LA's own process picks up.

A file appears whole or not at all: it is written under a hidden temporary name in the same
folder, flushed and fsynced, renamed into place (``os.replace`` is atomic within a file system)
and then the folder itself is fsynced so the rename survives a power cut. A pick-up process
should read only ``*.json`` names; temporary files start with ``.`` and end in ``.tmp``.

>>> os.makedirs("inbox", exist_ok=True)
>>> channel = FileDropChannel("inbox")
>>> channel.deliver(OutboundMessage(
...     idempotency_key="fh_1", reference="K7QD4RXA", subject="Request for support K7QD4RXA",
...     payload={"reference": "K7QD4RXA"}, text="...", html="<p>...</p>")).outcome.value
'delivered'
>>> sorted(os.listdir("inbox"))
['K7QD4RXA-fh_1.json']
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import Any

from familyhubs_sdk.delivery._encoding import (
    attachments_json,
    is_safe_token,
    to_json,
)
from familyhubs_sdk.delivery._message import DeliveryChannel, DeliveryResult, OutboundMessage
from familyhubs_sdk.errors import DeliveryError

__all__ = ["FileDropChannel"]


class FileDropChannel(DeliveryChannel):
    """Writes ``<reference>-<idempotency_key>.json`` into ``folder``.

    The file holds ``reference``, ``idempotency_key``, ``subject``, ``link``, ``payload``,
    ``text`` and ``attachments`` — each file embedded as base64 (``filename``, ``content_type``,
    ``data``), so one rename delivers the request and its files together. Attachments together
    above ``max_attachment_bytes`` are left out and ``attachments_omitted`` is ``true``.

    Outcomes: written, or a file of that name already there (an earlier attempt got through) →
    delivered; any operating-system error (disk full, permissions, a share gone away) → retry.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        name: str = "file_drop",
        max_attachment_bytes: int = 50 * 1024 * 1024,
    ) -> None:
        self.name = name
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise DeliveryError("file drop folder does not exist or is not a folder")
        if max_attachment_bytes < 0:
            raise DeliveryError("file drop max_attachment_bytes must not be negative")
        self._max_attachment_bytes = max_attachment_bytes

    def __repr__(self) -> str:
        return f"FileDropChannel(name={self.name!r}, folder={str(self.folder)!r})"

    def path_for(self, message: OutboundMessage) -> Path:
        """Where ``message`` is (or will be) delivered."""
        return self.folder / f"{message.reference}-{message.idempotency_key}.json"

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """Write the file once; see the class docstring for the outcomes."""
        if not (is_safe_token(message.reference) and is_safe_token(message.idempotency_key)):
            return DeliveryResult.permanent("reference or key is not safe in a file name")
        target = self.path_for(message)
        if target.exists():
            return DeliveryResult.delivered("already delivered")
        try:
            content = to_json(self._document(message))
        except (TypeError, ValueError):
            return DeliveryResult.permanent("payload is not JSON-serialisable")
        try:
            self._write_atomically(target, content)
        except OSError as exc:
            code = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
            return DeliveryResult.retry(f"cannot write file ({code})")
        return DeliveryResult.delivered("written")

    def _document(self, message: OutboundMessage) -> dict[str, Any]:
        document: dict[str, Any] = {
            "reference": message.reference,
            "idempotency_key": message.idempotency_key,
            "subject": message.subject,
            "link": message.link,
            "payload": dict(message.payload),
            "text": message.text,
            "attachments": [],
        }
        files = attachments_json(message.attachments, self._max_attachment_bytes)
        if files is None:
            document["attachments_omitted"] = True
        else:
            document["attachments"] = files
        return document

    def _write_atomically(self, target: Path, content: bytes) -> None:
        descriptor, temporary = tempfile.mkstemp(
            dir=self.folder, prefix=f".{target.stem}.", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _fsync_folder(self.folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable. Windows cannot open a folder to fsync it; NTFS journals it."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
