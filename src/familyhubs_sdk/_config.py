"""Settings for the SDK, read from ``FAMILYHUBS_*`` environment variables or passed in code.

>>> settings = Settings(data_dir="/tmp/fh-example")
>>> settings.database_url_value()
'sqlite:////tmp/fh-example/familyhubs.db'
>>> Settings(database_url="postgresql://app:s3cret@db/fh").database_url
SecretStr('**********')
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from familyhubs_sdk.errors import ConfigurationError

__all__ = ["MessageSettings", "NotifySettings", "Settings", "load_settings"]

#: The hosts a plain-http URL may name: this machine, for trying the portal out.
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
# A Notify id (service, template, reply-to, sender): a UUID in its usual text form.
_NOTIFY_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
#: Every template a service can have: one per message kind and medium.
NOTIFY_TEMPLATE_KEYS = frozenset(
    {
        "referrer_receipt_email",
        "referrer_receipt_sms",
        "team_alert_email",
        "resume_link_email",
        "request_accepted_email",
        "request_accepted_sms",
        "request_declined_email",
        "request_declined_sms",
    }
)


class NotifySettings(BaseModel):
    """How the SDK reaches GOV.UK Notify (``FAMILYHUBS_NOTIFY__API_KEY`` and so on).

    :param api_key: the key from Notify's *API integration* page
        (``{key name}-{service id}-{secret}``); a secret, never shown.
    :param templates: Notify template id per message kind and medium, e.g.
        ``{"referrer_receipt_email": "…", "referrer_receipt_sms": "…"}`` (keys in
        :data:`NOTIFY_TEMPLATE_KEYS`). A kind without a template cannot be sent by Notify.
    :param email_reply_to_id: the reply-to address's id in Notify (its default when unset).
    :param sms_sender_id: the text message sender's id in Notify (its default when unset).
    :param base_url: Notify's API; point it at a local Notify-shaped API in tests.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_key: SecretStr
    templates: dict[str, str] = Field(default_factory=dict)
    email_reply_to_id: str | None = Field(default=None, pattern=_NOTIFY_ID)
    sms_sender_id: str | None = Field(default=None, pattern=_NOTIFY_ID)
    base_url: str = "https://api.notifications.service.gov.uk"
    timeout_s: float = Field(default=10.0, gt=0, le=120)

    @field_validator("api_key")
    @classmethod
    def _key_shape(cls, value: SecretStr) -> SecretStr:
        key = value.get_secret_value()
        # The client reads the service id and the secret from the key's last 73 characters.
        service, secret = key[-73:-37], key[-36:]
        pattern = _NOTIFY_ID[1:-1]
        if len(key) < 74 or not (re.fullmatch(pattern, service) and re.fullmatch(pattern, secret)):
            raise ValueError("must be a Notify API key: {name}-{service id}-{secret}")
        return value

    @field_validator("templates")
    @classmethod
    def _known_templates(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - NOTIFY_TEMPLATE_KEYS)
        if unknown:
            known = sorted(NOTIFY_TEMPLATE_KEYS)
            raise ValueError(f"unknown template keys {unknown}; known: {known}")
        if any(not re.fullmatch(_NOTIFY_ID, template) for template in value.values()):
            raise ValueError("every template id must be a Notify template id (a UUID)")
        return value


class MessageSettings(BaseModel):
    """Which messages people get, and through which channel (``FAMILYHUBS_MESSAGES__…``).

    Every message is off until the LA turns it on.

    :param channel: the name of the outbox channel that carries them (a
        :class:`~familyhubs_sdk.delivery.NotifyChannel`, ``"notify"``, or an
        :class:`~familyhubs_sdk.delivery.SMTPNotificationChannel`, ``"message_email"``).
    :param referrer_receipt: send the referrer the request's reference (email, or a text
        message when they gave only a phone number).
    :param team_alert: tell the receiving team (``team_addresses``) a new request has arrived.
    :param resume_link: email a person who saves a draft the link to come back to it.
    :param status_update: tell the referrer when their request is accepted or declined.
    :param share_decline_reason: include the team's reason in a "declined" update.
    :param team_addresses: the receiving team's email addresses, for ``team_alert``.
    :param inbox_url: where the team opens a request; ``{reference}`` is replaced.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: str = Field(default="notify", pattern=r"^[a-z][a-z0-9_]{0,49}$")
    referrer_receipt: bool = False
    team_alert: bool = False
    resume_link: bool = False
    status_update: bool = False
    share_decline_reason: bool = False
    team_addresses: tuple[str, ...] = ()
    inbox_url: str | None = None

    @field_validator("team_addresses")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, address in enumerate(value):
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
                raise ValueError(f"team_addresses[{index}] is not an email address")
        return value

    @field_validator("inbox_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is None or value.startswith("https://"):
            return value
        # Plain http only to this machine: by host name, so "http://localhost.evil.example/" fails.
        if not (value.startswith("http://") and urlsplit(value).hostname in _LOCAL_HOSTS):
            raise ValueError("must be an https URL")
        return value


class Settings(BaseSettings):
    """Everything the SDK needs to know about its host, with safe defaults.

    Every field can be set by an environment variable named ``FAMILYHUBS_`` plus the field name in
    capitals, e.g. ``FAMILYHUBS_DATABASE_URL``. Secrets are :class:`~pydantic.SecretStr`, so they
    never show in a ``repr``, a log line or an error message.
    """

    model_config = SettingsConfigDict(
        env_prefix="FAMILYHUBS_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        validate_default=True,
    )

    data_dir: Path = Field(
        default=Path("familyhubs-data"),
        description="Folder for the embedded SQLite database and local file drops.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL of the SDK's own database. Default: SQLite in data_dir.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key for signing tokens and webhooks. Required outside the demo.",
    )
    trusted_proxies: int = Field(
        default=0,
        ge=0,
        le=5,
        description=(
            "How many reverse proxies stand in front of the portal; the client's address is then"
            " read from X-Forwarded-For. 0 (the default) never reads it."
        ),
    )
    la_name: str = Field(
        default="Your local authority",
        min_length=1,
        max_length=120,
        description="The local authority's name, as shown on pages.",
    )
    front_door_phone: str = Field(
        default="",
        max_length=40,
        description="The LA's children's services front door telephone number.",
    )
    notify: NotifySettings | None = Field(
        default=None,
        description="GOV.UK Notify: API key, template ids, reply-to and sender ids.",
    )
    messages: MessageSettings = Field(
        default_factory=MessageSettings,
        description="Messages to people (receipts, alerts, resume links, status updates).",
    )

    @field_validator("database_url")
    @classmethod
    def _url_has_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and "://" not in value.get_secret_value():
            raise ValueError("must be an SQLAlchemy URL such as sqlite:///path/to/file.db")
        return value

    def derived_key(self, purpose: str) -> bytes:
        """A 32-byte key for one ``purpose`` (e.g. ``"audit"``), derived from :attr:`secret_key`.

        Separate keys per purpose mean a key leaked from one use does not unlock another.

        :raises ConfigurationError: when no secret key is set.
        """
        if self.secret_key is None:
            raise ConfigurationError(
                "FAMILYHUBS_SECRET_KEY is not set (only `familyhubs demo` makes one up); every "
                "process of a portal needs the same key: generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"`'
            )
        secret = self.secret_key.get_secret_value().encode()
        return hmac.new(secret, f"familyhubs:{purpose}".encode(), hashlib.sha256).digest()

    def database_url_value(self) -> str:
        """The database URL to connect to, falling back to SQLite inside :attr:`data_dir`."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'familyhubs.db').as_posix()}"


def load_settings(**overrides: Any) -> Settings:
    """Build :class:`Settings` from the environment plus ``overrides``.

    Invalid values raise :class:`~familyhubs_sdk.errors.ConfigurationError` naming each setting at
    fault and what is wrong with it; the offending values themselves are never repeated, as they
    may be secrets.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"FAMILYHUBS_{'_'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)
        )
        raise ConfigurationError(f"invalid settings: {problems}") from None
