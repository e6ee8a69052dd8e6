"""ClamAVScanner against a fake clamd speaking the real INSTREAM protocol; NoScanner."""

from __future__ import annotations

import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.evidence_corpus import EICAR, MIB, FakeClamd

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.support.evidence._scanners import (
    ClamAVScanner,
    EvidenceScanner,
    NoScanner,
    ScanOutcome,
    ScanResult,
)


@pytest.fixture
def clamd() -> Iterator[FakeClamd]:
    with FakeClamd() as fake:
        yield fake


def _scanner(fake: FakeClamd, **options: float) -> ClamAVScanner:
    return ClamAVScanner("127.0.0.1", fake.port, **options)  # type: ignore[arg-type]


def test_clean_file(clamd: FakeClamd) -> None:
    assert _scanner(clamd).scan(b"%PDF-1.4 a letter") == ScanResult.clean()
    assert clamd.received == [b"%PDF-1.4 a letter"]


def test_eicar_is_found_with_its_signature_name(clamd: FakeClamd) -> None:
    result = _scanner(clamd).scan(b"notes: " + EICAR)
    assert result.outcome is ScanOutcome.INFECTED
    assert result.signature == "Eicar-Test-Signature"


def test_large_files_travel_in_chunks(clamd: FakeClamd) -> None:
    data = bytes(range(256)) * (3 * MIB // 256) + b"tail"
    assert _scanner(clamd, chunk_bytes=10_000).scan(data).outcome is ScanOutcome.CLEAN
    assert clamd.received == [data]


def test_an_error_reply_is_an_error() -> None:
    with FakeClamd("error") as fake:
        result = _scanner(fake).scan(b"data")
    assert result.outcome is ScanOutcome.ERROR
    assert "ERROR" in (result.detail or "")


def test_a_stream_over_clamds_limit_is_an_error() -> None:
    with FakeClamd(stream_max=1000) as fake:
        result = _scanner(fake, chunk_bytes=500).scan(bytes(MIB))
    assert result.outcome is ScanOutcome.ERROR


def test_a_hung_clamd_times_out_within_the_deadline() -> None:
    with FakeClamd("hang") as fake:
        started = time.monotonic()
        result = _scanner(fake, timeout_s=0.3).scan(bytes(4 * MIB))
        elapsed = time.monotonic() - started
    assert result.outcome is ScanOutcome.ERROR
    assert elapsed < 3


def test_a_clamd_that_hangs_up_is_an_error() -> None:
    with FakeClamd("hang-up") as fake:
        result = _scanner(fake).scan(b"data")
    assert result.outcome is ScanOutcome.ERROR


def test_no_clamd_listening_is_an_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = ClamAVScanner("127.0.0.1", port, timeout_s=2).scan(b"data")
    assert result.outcome is ScanOutcome.ERROR
    assert "ConnectionRefusedError" in (result.detail or "")


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets")
def test_unix_socket() -> None:
    # A short path: Unix socket paths are limited to about 100 bytes.
    with tempfile.TemporaryDirectory(prefix="fh") as folder:
        path = Path(folder) / "clamd.sock"
        with FakeClamd(unix_socket=path) as fake:
            scanner = ClamAVScanner(unix_socket=str(path))
            assert scanner.scan(EICAR).outcome is ScanOutcome.INFECTED
            assert scanner.ping()
            assert fake.received == [EICAR]
    assert repr(scanner) == f"ClamAVScanner(unix_socket={str(path)!r})"


def test_ping(clamd: FakeClamd) -> None:
    assert _scanner(clamd).ping()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert not ClamAVScanner("127.0.0.1", port, timeout_s=1).ping()


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"host": "clamav", "unix_socket": "/run/clamd.sock"},
        {"host": "clamav", "timeout_s": 0},
        {"host": "clamav", "chunk_bytes": 0},
    ],
)
def test_configuration_is_checked(options: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError, match="ClamAVScanner"):
        ClamAVScanner(**options)  # type: ignore[arg-type]


def test_no_scanner_says_it_did_not_scan() -> None:
    with NoScanner() as scanner:
        assert scanner.scan(EICAR).outcome is ScanOutcome.NOT_SCANNED


def test_error_details_are_cut_short() -> None:
    assert len(ScanResult.error("x" * 1000).detail or "") == 200


def test_a_half_done_scanner_fails_at_construction() -> None:
    class Nothing(EvidenceScanner):
        pass

    with pytest.raises(TypeError, match="abstract"):
        Nothing()  # type: ignore[abstract]
