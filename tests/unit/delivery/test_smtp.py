"""The SMTP channel against a real local SMTP server: outcomes, Message-ID and minimal PII."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ssl
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from familyhubs_sdk.delivery import (
    Attachment,
    DeliveryOutcome,
    OutboundMessage,
    SMTPChannel,
    SMTPServer,
)
from familyhubs_sdk.errors import DeliveryError
from familyhubs_sdk.testing import SMTPReceiver

MakeMessage = Callable[..., OutboundMessage]
TEAM = "front.door@la.example"
SERVER_SETTINGS = frozenset(field.name for field in dataclasses.fields(SMTPServer))


def make_channel(**settings: object) -> SMTPChannel:
    """An SMTPChannel from flat settings: those of the relay go to its SMTPServer."""
    server = {key: value for key, value in settings.items() if key in SERVER_SETTINGS}
    rest = {key: value for key, value in settings.items() if key not in SERVER_SETTINGS}
    return SMTPChannel(server=SMTPServer(**server), **rest)  # type: ignore[arg-type]


def channel_for(receiver: SMTPReceiver, **options: object) -> SMTPChannel:
    settings: dict[str, object] = {
        "host": "127.0.0.1",
        "port": receiver.port,
        "starttls": False,
        "timeout_s": 2.0,
        "from_addr": "requests@la.example",
        "to_addrs": [TEAM],
        **options,
    }
    return make_channel(**settings)


def test_delivers_email_with_key_as_message_id(make_message: MakeMessage) -> None:
    message = make_message()
    with SMTPReceiver() as receiver:
        result = channel_for(receiver).deliver(message)
        (email,) = receiver.messages

    assert (result.outcome, result.detail) == (DeliveryOutcome.DELIVERED, "SMTP 250")
    assert email["Message-ID"] == "<fh_0001@familyhubs-sdk>"
    assert email["X-Idempotency-Key"] == "fh_0001"
    assert email["Subject"] == "Request for support K7QD4RXA"
    assert email.get_body(("plain",)).get_content() == message.text  # type: ignore[union-attr]
    assert "<p>Child:" in email.get_body(("html",)).get_content()  # type: ignore[union-attr]
    (attachment,) = email.iter_attachments()
    assert attachment.get_filename() == "letter.pdf"
    assert attachment.get_content() == b"%PDF-1.7 letter"


def test_same_message_twice_has_one_effect(make_message: MakeMessage) -> None:
    with SMTPReceiver() as receiver:
        channel = channel_for(receiver)
        outcomes = [channel.deliver(make_message()).outcome for _ in range(2)]

        assert outcomes == [DeliveryOutcome.DELIVERED] * 2
        assert list(receiver.effects) == ["<fh_0001@familyhubs-sdk>"]
        assert (len(receiver.messages), receiver.duplicates) == (2, 1)


@pytest.mark.parametrize(
    ("code", "outcome"), [(451, DeliveryOutcome.RETRY), (554, DeliveryOutcome.PERMANENT)]
)
def test_data_replies_map_to_outcomes(
    code: int, outcome: DeliveryOutcome, make_message: MakeMessage
) -> None:
    with SMTPReceiver() as receiver:
        receiver.queue(code)
        result = channel_for(receiver).deliver(make_message())

        assert (result.outcome, result.detail) == (outcome, f"SMTP {code}")
        assert receiver.effects == {}


def test_server_text_never_reaches_the_detail(make_message: MakeMessage) -> None:
    with SMTPReceiver(refuse=[TEAM]) as receiver:
        result = channel_for(receiver).deliver(make_message())

    assert (result.outcome, result.detail) == (
        DeliveryOutcome.PERMANENT,
        "SMTP 550 (all recipients refused)",
    )
    assert "la.example" not in result.detail


def test_partly_refused_recipients_still_deliver(make_message: MakeMessage) -> None:
    with SMTPReceiver(refuse=[TEAM]) as receiver:
        channel = channel_for(receiver, to_addrs=[TEAM, "duty@la.example"])
        result = channel.deliver(make_message())

        assert (result.outcome, result.detail) == (
            DeliveryOutcome.DELIVERED,
            "SMTP 250; 1 recipient(s) refused",
        )
        assert len(receiver.effects) == 1


def test_authentication(make_message: MakeMessage) -> None:
    with SMTPReceiver(credentials=("relay", "s3cret-pass")) as receiver:
        good = channel_for(receiver, username="relay", password="s3cret-pass")
        bad = channel_for(receiver, username="relay", password="wrong-pass")

        assert good.deliver(make_message("fh_good")).outcome is DeliveryOutcome.DELIVERED
        failed = bad.deliver(make_message("fh_bad"))
        assert (failed.outcome, failed.detail) == (
            DeliveryOutcome.PERMANENT,
            "SMTP 535 (authentication failed)",
        )
        assert list(receiver.effects) == ["<fh_good@familyhubs-sdk>"]
    assert "s3cret" not in repr(good)


def test_connection_refused_is_retried(make_message: MakeMessage, closed_port: int) -> None:
    channel = SMTPChannel(
        server=SMTPServer(host="127.0.0.1", port=closed_port, starttls=False),
        from_addr="requests@la.example", to_addrs=[TEAM],
    )  # fmt: skip
    result = channel.deliver(make_message())

    assert (result.outcome, result.detail) == (DeliveryOutcome.RETRY, "connection refused")


def test_timeout_is_retried_and_the_repeat_is_deduplicated(make_message: MakeMessage) -> None:
    with SMTPReceiver(delay_s=3.0) as receiver:
        receiver.queue("delay")  # accepted, but answered after the client gave up
        channel = channel_for(receiver, timeout_s=1)
        first = channel.deliver(make_message())
        second = channel.deliver(make_message())

        assert (first.outcome, first.detail) == (DeliveryOutcome.RETRY, "timed out after 1 s")
        assert second.outcome is DeliveryOutcome.DELIVERED
        assert (len(receiver.effects), receiver.duplicates) == (1, 1)


def test_minimal_pii_email_holds_only_reference_and_link(
    make_message: MakeMessage, canary: str
) -> None:
    with SMTPReceiver() as receiver:
        channel_for(receiver, minimal_pii=True).deliver(make_message())
        (email,) = receiver.messages

    raw = email.as_string()
    assert canary not in raw
    assert "K7QD4RXA" in email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "https://la.example/requests/K7QD4RXA" in raw
    assert list(email.iter_attachments()) == []


def test_attachments_over_the_cap_are_replaced_by_a_note(make_message: MakeMessage) -> None:
    big = Attachment("scan.png", "image/png", b"\x89PNG" + bytes(100))
    with SMTPReceiver() as receiver:
        channel_for(receiver, max_attachment_bytes=50).deliver(make_message(attachments=(big,)))
        (email,) = receiver.messages

    assert list(email.iter_attachments()) == []
    assert "too large to send by email" in email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = email.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert html.index("too large to send by email") < html.index("</body>")


def test_starttls_is_required_by_default(make_message: MakeMessage) -> None:
    with SMTPReceiver() as receiver:  # offers no STARTTLS
        result = channel_for(receiver, starttls=True).deliver(make_message())

        assert (result.outcome, result.detail) == (
            DeliveryOutcome.PERMANENT,
            "SMTP server does not support STARTTLS",
        )
        assert receiver.messages == []


def test_starttls_delivers_and_verifies_the_certificate(
    make_message: MakeMessage, tmp_path: Path
) -> None:
    server_context, client_context = _tls_contexts(tmp_path)
    with SMTPReceiver(tls_context=server_context) as receiver:
        trusted = channel_for(receiver, starttls=True, ssl_context=client_context)
        untrusted = channel_for(receiver, starttls=True)  # the system's CAs: ours is not one

        assert trusted.deliver(make_message("fh_tls")).outcome is DeliveryOutcome.DELIVERED
        refused = untrusted.deliver(make_message("fh_untrusted"))
        assert (refused.outcome, refused.detail) == (
            DeliveryOutcome.RETRY,
            "TLS certificate not trusted",
        )
        assert list(receiver.effects) == ["<fh_tls@familyhubs-sdk>"]


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        ({"host": "smtp.la.example", "starttls": False}, "starttls=False"),
        ({"to_addrs": ["not an address"]}, r"to_addrs\[0\]"),
        ({"to_addrs": []}, "to_addrs"),
        ({"from_addr": "requests@la.example\r\nBcc: x@evil.example"}, "from_addr"),
        ({"username": "relay"}, "username and password"),
        ({"timeout_s": 0}, "timeout_s"),
    ],
)
def test_misconfiguration_is_refused_at_construction(
    options: dict[str, object], setting: str
) -> None:
    settings: dict[str, object] = {
        "host": "smtp.la.example",
        "from_addr": "requests@la.example",
        "to_addrs": [TEAM],
        **options,
    }
    with pytest.raises(DeliveryError, match=setting) as caught:
        make_channel(**settings)
    assert "not an address" not in str(caught.value)


def test_a_relay_is_checked_when_it_is_made_and_its_password_never_shown() -> None:
    with pytest.raises(DeliveryError, match="port"):
        SMTPServer(host="smtp.la.example", port=70000)
    relay = SMTPServer(host="smtp.la.example", username="relay", password="s3cret-pass")
    assert "s3cret" not in repr(relay)
    with pytest.raises(TypeError):
        SMTPServer("smtp.la.example")  # type: ignore[call-arg]  # keyword-only, like every option
    with pytest.raises(DeliveryError, match="SMTPServer"):
        SMTPChannel(server="smtp.la.example", from_addr="a@la.example", to_addrs=[TEAM])  # type: ignore[arg-type]


def test_the_date_header_comes_from_the_clock(make_message: MakeMessage) -> None:
    sent_at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    channel = make_channel(
        host="localhost", starttls=False, from_addr="requests@la.example", to_addrs=[TEAM],
        clock=lambda: sent_at,
    )  # fmt: skip
    assert channel.build_email(make_message())["Date"].datetime == sent_at


def _tls_contexts(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: a server context and a client that trusts it."""
    pytest.importorskip("cryptography")
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def test_many_concurrent_senders_through_random_failures(make_message: MakeMessage) -> None:
    keys = [f"fh_{n:04d}" for n in range(30)]
    # The timeout leaves room for a loaded machine; the delayed answers still outlast it.
    with SMTPReceiver(transient_rate=0.3, delay_rate=0.05, delay_s=2.5, seed=3) as receiver:
        channel = channel_for(receiver, timeout_s=1.5)
        outcomes: list[DeliveryOutcome] = []
        retries: list[str] = []

        def send(key: str) -> None:
            for _ in range(30):
                result = channel.deliver(make_message(key))
                if result.outcome is DeliveryOutcome.RETRY:
                    retries.append(result.detail)
                else:
                    outcomes.append(result.outcome)
                    return

        threads = [threading.Thread(target=send, args=(key,)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert outcomes == [DeliveryOutcome.DELIVERED] * len(keys)
        assert sorted(receiver.effects) == [f"<{key}@familyhubs-sdk>" for key in keys]
        assert len(receiver.messages) == len(keys) + receiver.duplicates
        assert "SMTP 451" in retries, "the seeded failures never fired"
