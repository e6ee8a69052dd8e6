"""Posted files for the demo's stdlib WSGI server: a ``multipart/form-data`` body read into the
fields and files the SDK's handlers take (``WebRequest.form`` and ``WebRequest.files``).

Only the journey's evidence page takes files, within the limits the journey gives
(:meth:`~familyhubs_sdk.support.FormFlow.body_limits`); the demo refuses a bigger body before
reading it. The standard library's email parser reads the parts, as ``cgi`` once did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email import policy
from email.parser import BytesParser

from familyhubs_sdk.web import UploadedFile

__all__ = ["is_multipart", "read_multipart"]


def is_multipart(content_type: str) -> bool:
    """Whether a request's ``Content-Type`` says it carries files."""
    return content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"


def read_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, list[str]], dict[str, Sequence[UploadedFile]]]:
    """The fields (each a list of values) and files of a ``multipart/form-data`` body.

    >>> body = (b'--b\\r\\nContent-Disposition: form-data; name="upload"\\r\\n\\r\\n1\\r\\n'
    ...         b'--b\\r\\nContent-Disposition: form-data; name="evidence"; filename="a.txt"\\r\\n'
    ...         b'Content-Type: text/plain\\r\\n\\r\\nhello\\r\\n--b--\\r\\n')
    >>> form, files = read_multipart("multipart/form-data; boundary=b", body)
    >>> form, files["evidence"][0].filename, files["evidence"][0].data
    ({'upload': ['1']}, 'a.txt', b'hello')
    """
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    form: dict[str, list[str]] = {}
    files: dict[str, list[UploadedFile]] = {}
    if not message.is_multipart():
        return form, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        payload = data if isinstance(data, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            form.setdefault(name, []).append(payload.decode("utf-8", "replace"))
        else:
            files.setdefault(name, []).append(UploadedFile(filename, payload))
    return form, _frozen(files)


def _frozen(files: Mapping[str, list[UploadedFile]]) -> dict[str, Sequence[UploadedFile]]:
    return {name: tuple(items) for name, items in files.items()}
