"""Virus scanning for evidence: ClamAV's clamd over its own socket protocol, or a deliberate none.

There is no default scanner. A host either runs clamd and passes :class:`ClamAVScanner`, or passes
:class:`NoScanner` to say, in code a reviewer can see, that uploads are not scanned. Anything but
a clean answer refuses the file: a scanner that errors or times out fails closed.
"""

from __future__ import annotations

import socket
import struct
import time
from abc import ABC, abstractmethod
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from familyhubs_sdk.errors import ConfigurationError

__all__ = ["ClamAVScanner", "EvidenceScanner", "NoScanner", "ScanOutcome", "ScanResult"]

_REPLY_LIMIT = 4096


class ScanOutcome(StrEnum):
    """What a scanner said; the value is what ``fh_evidence_files.scan_status`` records."""

    CLEAN = "clean"
    INFECTED = "infected"
    ERROR = "error"
    NOT_SCANNED = "not_scanned"


class ScanResult(BaseModel):
    """One scanner answer.

    >>> ScanResult.infected("Eicar-Test-Signature").signature
    'Eicar-Test-Signature'
    """

    model_config = ConfigDict(frozen=True)

    outcome: ScanOutcome
    #: The scanner's name for what it found, when infected.
    signature: str | None = None
    #: Why the scan could not be done, when it errored (no file content, no personal data).
    detail: str | None = None

    @classmethod
    def clean(cls) -> ScanResult:
        """Nothing found."""
        return cls(outcome=ScanOutcome.CLEAN)

    @classmethod
    def infected(cls, signature: str) -> ScanResult:
        """Found ``signature``, the scanner's name for it (e.g. ``Win.Test.EICAR_HDB-1``)."""
        return cls(outcome=ScanOutcome.INFECTED, signature=signature)

    @classmethod
    def error(cls, detail: str) -> ScanResult:
        """The scan could not be done; ``detail`` is cut to 200 characters."""
        return cls(outcome=ScanOutcome.ERROR, detail=detail[:200])


class EvidenceScanner(ABC):
    """Scans one file's bytes. Subclass for another engine (a cloud API, a sandbox)::

        class RefuseEverything(EvidenceScanner):
            def scan(self, data: bytes) -> ScanResult:
                return ScanResult.infected("Policy.RefuseEverything")

    ``scan`` answers rather than raising: an exception is treated as an error, and the file is
    refused.
    """

    @abstractmethod
    def scan(self, data: bytes) -> ScanResult:
        """Scan ``data``; never keep it."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the default holds none."""

    def __enter__(self) -> EvidenceScanner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class NoScanner(EvidenceScanner):
    """Scans nothing: files are recorded with ``scan_status`` ``not_scanned``.

    Pass it only on purpose -- in tests, or where the LA scans files after they are delivered.
    """

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(outcome=ScanOutcome.NOT_SCANNED)


class ClamAVScanner(EvidenceScanner):
    """Sends each file to clamd with its ``INSTREAM`` command, over TCP or a Unix socket.

    ``timeout_s`` bounds the whole scan (connect, send, answer). clamd's ``StreamMaxLength``
    (25 MB by default) must be at least :attr:`EvidenceRules.max_file_bytes`, or large files are
    refused with ``scan_failed``.

    >>> ClamAVScanner("clamav.internal", 3310, timeout_s=30)
    ClamAVScanner('clamav.internal', 3310)
    """

    def __init__(
        self,
        host: str | None = None,
        port: int = 3310,
        *,
        unix_socket: str | None = None,
        timeout_s: float = 30.0,
        chunk_bytes: int = 64 * 1024,
    ) -> None:
        if (host is None) == (unix_socket is None):
            raise ConfigurationError("ClamAVScanner: give either host (and port) or unix_socket")
        if timeout_s <= 0 or chunk_bytes <= 0:
            raise ConfigurationError("ClamAVScanner: timeout_s and chunk_bytes must be positive")
        self.address: str | tuple[str, int] = (
            unix_socket if unix_socket is not None else (str(host), port)
        )
        self.timeout_s = timeout_s
        self.chunk_bytes = chunk_bytes

    def __repr__(self) -> str:
        if isinstance(self.address, str):
            return f"ClamAVScanner(unix_socket={self.address!r})"
        return f"ClamAVScanner({self.address[0]!r}, {self.address[1]})"

    def _connect(self, deadline: float) -> socket.socket:
        if not isinstance(self.address, str):
            return socket.create_connection(self.address, timeout=_remaining(deadline))
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.settimeout(_remaining(deadline))
            connection.connect(self.address)
        except OSError:
            connection.close()
            raise
        return connection

    def _command(self, command: bytes, data: bytes | None) -> str:
        deadline = time.monotonic() + self.timeout_s
        with self._connect(deadline) as connection:
            connection.settimeout(_remaining(deadline))
            connection.sendall(b"z" + command + b"\0")
            if data is not None:
                for start in range(0, len(data), self.chunk_bytes):
                    chunk = data[start : start + self.chunk_bytes]
                    connection.settimeout(_remaining(deadline))
                    connection.sendall(struct.pack(">I", len(chunk)) + chunk)
                connection.sendall(struct.pack(">I", 0))
            reply = b""
            while b"\0" not in reply and len(reply) < _REPLY_LIMIT:
                connection.settimeout(_remaining(deadline))
                received = connection.recv(_REPLY_LIMIT)
                if not received:
                    break
                reply += received
        return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def scan(self, data: bytes) -> ScanResult:
        """Stream ``data`` to clamd; clean, infected with clamd's signature name, or error."""
        try:
            reply = self._command(b"INSTREAM", data)
        except TimeoutError:
            return ScanResult.error(f"clamd did not answer within {self.timeout_s} seconds")
        except OSError as exc:
            # clamd closes the connection when a stream passes its StreamMaxLength.
            return ScanResult.error(f"could not talk to clamd: {exc.__class__.__name__}")
        if reply == "stream: OK":
            return ScanResult.clean()
        if reply.startswith("stream: ") and reply.endswith(" FOUND"):
            return ScanResult.infected(reply[len("stream: ") : -len(" FOUND")])
        return ScanResult.error(f"clamd answered: {reply or '(nothing)'}")

    def ping(self) -> bool:
        """Whether clamd answers ``PING``: for the host's readiness check."""
        try:
            return self._command(b"PING", None) == "PONG"
        except OSError:
            return False


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("clamd deadline passed")
    return left
