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
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from familyhubs_sdk.errors import ConfigurationError

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """Everything the SDK needs to know about its host, with safe defaults.

    Every field can be set by an environment variable named ``FAMILYHUBS_`` plus the field name in
    capitals, e.g. ``FAMILYHUBS_DATABASE_URL``. Secrets are :class:`~pydantic.SecretStr`, so they
    never show in a ``repr``, a log line or an error message.
    """

    model_config = SettingsConfigDict(
        env_prefix="FAMILYHUBS_",
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
                "FAMILYHUBS_SECRET_KEY is not set; generate one with "
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
