"""Settings: the FAMILYHUBS_ prefix, the embedded default and secrets kept secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyhubs_sdk import Settings, load_settings
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.support.messages import MessageSettings


def test_default_database_is_sqlite_in_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAMILYHUBS_DATABASE_URL", raising=False)
    monkeypatch.delenv("FAMILYHUBS_DATA_DIR", raising=False)
    settings = load_settings()
    assert settings.data_dir == Path("familyhubs-data")
    assert settings.database_url_value() == "sqlite:///familyhubs-data/familyhubs.db"


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILYHUBS_DATA_DIR", "/srv/fh")
    monkeypatch.setenv("FAMILYHUBS_LA_NAME", "Exampleshire")
    monkeypatch.setenv("LA_NAME", "ignored: no prefix")
    settings = load_settings()
    assert settings.la_name == "Exampleshire"
    assert settings.database_url_value() == "sqlite:////srv/fh/familyhubs.db"


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILYHUBS_DATABASE_URL", "postgresql://app:hunter2-canary@db/fh")
    monkeypatch.setenv("FAMILYHUBS_SECRET_KEY", "key-canary-123")
    settings = load_settings()
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    assert "hunter2-canary" not in shown
    assert "key-canary-123" not in shown
    assert settings.database_url_value() == "postgresql://app:hunter2-canary@db/fh"


def test_invalid_settings_name_the_setting_but_not_the_value() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(database_url="hunter2-not-a-url", la_name="")
    message = str(caught.value)
    assert "FAMILYHUBS_DATABASE_URL" in message
    assert "FAMILYHUBS_LA_NAME" in message
    assert "hunter2" not in message
    assert caught.value.code == "configuration_invalid"


def test_unknown_settings_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="FAMILYHUBS_DATABSE_URL"):
        load_settings(databse_url="sqlite://")


def test_settings_are_immutable() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.la_name = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost.evil.example/inbox/{reference}",
        "http://127.0.0.1.evil.example/inbox",
        "http://localhost@evil.example/inbox",
        "http://evil.example/inbox",
        "ftp://localhost/inbox",
    ],
)
def test_the_inbox_url_may_be_plain_http_only_to_this_machine(url: str) -> None:
    with pytest.raises(ValueError, match="https"):
        MessageSettings(inbox_url=url)


@pytest.mark.parametrize(
    "url",
    ["https://la.example/inbox/{reference}", "http://localhost:8000/inbox", "http://127.0.0.1/x"],
)
def test_the_inbox_url_may_be_https_or_this_machine(url: str) -> None:
    assert MessageSettings(inbox_url=url).inbox_url == url
