"""Post bodies of any size to the Flask, Django and FastAPI adapters without holding them.

A body is a generator of chunks (a multipart form whose files are made of zeros as they are
read), handed to the framework as a WSGI ``wsgi.input`` or as ASGI ``http.request`` messages,
so a 1 GiB upload costs the client nothing and whatever memory the process uses is the
server's. :class:`ChunkStream` counts how much the server pulled.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

BOUNDARY = "familyhubs-boundary"
CHUNK = 1024 * 1024
PREFIX = "/request-support"


def multipart(
    fields: dict[str, str], files: Iterable[tuple[str, str, int]], *, chunk: int = CHUNK
) -> tuple[int, Iterator[bytes]]:
    """The length and the chunks of a multipart form; each file is ``size`` zero bytes."""
    parts: list[tuple[bytes, int]] = [
        (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode(), 0)
        for name in fields
    ]
    values = [value.encode() for value in fields.values()]
    for name, filename, size in files:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append((head.encode(), size))
    tail = f"--{BOUNDARY}--\r\n".encode()
    length = sum(len(head) + size + 2 for head, size in parts) + sum(map(len, values)) + len(tail)

    def chunks() -> Iterator[bytes]:
        for number, (head, size) in enumerate(parts):
            yield head
            if number < len(values):
                yield values[number]
            left = size
            while left:
                step = min(chunk, left)
                yield bytes(step)
                left -= step
            yield b"\r\n"
        yield tail

    return length, chunks()


class ChunkStream(io.RawIOBase):
    """A readable stream over chunks that counts the bytes the reader pulled."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""
        self.pulled = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.pulled += size
        return size


@dataclass
class Answer:
    status: int
    text: str
    pulled: int  # bytes of the body the server read


def wsgi_post(
    app: Callable[..., Iterable[bytes]],
    path: str,
    chunks: Iterator[bytes],
    *,
    content_length: int | None,
    content_type: str = f"multipart/form-data; boundary={BOUNDARY}",
    cookie: str | None = None,
) -> Answer:
    """POST through a WSGI app; ``content_length=None`` sends it chunked (input terminated)."""
    stream = ChunkStream(chunks)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BufferedReader(stream),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if cookie is not None:
        environ["HTTP_COOKIE"] = cookie
    if content_length is None:
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(content_length)
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status.append(line)

    body = b"".join(app(environ, start_response))
    return Answer(int(status[0].split()[0]), body.decode(), stream.pulled)


def asgi_post(
    app: Any,
    path: str,
    chunks: Iterator[bytes],
    *,
    content_length: int | None,
    content_type: str = f"multipart/form-data; boundary={BOUNDARY}",
) -> Answer:
    """POST through an ASGI app, one ``http.request`` message per chunk."""
    pulled = 0
    headers = [(b"content-type", content_type.encode()), (b"host", b"testserver")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    pending = iter(chunks)
    upcoming = next(pending, None)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal upcoming, pulled
        if upcoming is None:
            return {"type": "http.disconnect"}
        body, upcoming = upcoming, next(pending, None)
        pulled += len(body)
        return {"type": "http.request", "body": body, "more_body": upcoming is not None}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # A thread of its own: a test session may already run an event loop on this thread
    # (Playwright's sync API does), and asyncio.run refuses to nest.
    with ThreadPoolExecutor(max_workers=1) as runner:
        runner.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(int(start["status"]), text.decode(), pulled)
