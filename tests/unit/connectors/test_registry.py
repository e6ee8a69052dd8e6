from __future__ import annotations

import pytest

from familyhubs_sdk.connectors import SQLViewConnector, available, create, get, register
from familyhubs_sdk.connectors import _registry as registry
from familyhubs_sdk.connectors._base import CheckResult, SourceConnector
from familyhubs_sdk.errors import ConnectorRegistrationError


class Good(SourceConnector):
    def check(self) -> CheckResult:
        return CheckResult(ok=True)


class Incomplete(SourceConnector):
    pass


@pytest.fixture(autouse=True)
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_registered", {})


def test_register_by_path_and_create_with_validated_settings() -> None:
    register("good", f"{__name__}:Good")
    assert get("good") is Good
    assert "good" in available()
    assert "sql_view" in available()
    connector = create("good", {"name": "mine", "timeout_s": 2})
    assert isinstance(connector, Good)
    assert connector.name == "mine"
    assert connector.timeout_s == 2


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("no_such_module:Thing", "connector plugin 'p': cannot import 'no_such_module'"),
        (f"{__name__}:Missing", "has no 'Missing'"),
        (f"{__name__}:clean_registry", "is not a SourceConnector subclass"),
        (f"{__name__}:Incomplete", "Incomplete does not implement check"),
        ("nocolon", "is not 'module:attribute'"),
    ],
)
def test_bad_plugins_are_named(target: str, message: str) -> None:
    with pytest.raises(ConnectorRegistrationError) as caught:
        register("p", target)
    assert message in str(caught.value)


def test_unknown_name_and_bad_settings() -> None:
    with pytest.raises(ConnectorRegistrationError, match="no connector named 'nope'"):
        get("nope")
    with pytest.raises(ConnectorRegistrationError, match="setting timeout_s"):
        create("sql_view", {"name": "w", "url": "sqlite://", "views": "x.yaml", "timeout_s": -1})


def test_sql_view_connector_from_config(tmp_path: pytest.TempPathFactory) -> None:
    from importlib.resources import files

    from familyhubs_sdk.store import create_engine
    from familyhubs_sdk.synthetic import build_warehouse

    url = f"sqlite:///{tmp_path}/w.db"  # type: ignore[operator]
    build_warehouse(create_engine(url), children=20)
    views = files("familyhubs_sdk.synthetic").joinpath("views/police.yaml")
    connector = create("sql_view", {"name": "police", "url": url, "views": str(views)})
    assert isinstance(connector, SQLViewConnector)
    assert connector.check().ok
    assert repr(connector) == "<SQLViewConnector 'police'>"
    assert "secret" not in repr(
        connector.Config.model_validate(
            {"name": "x", "url": "postgresql://u:secret@h/d", "views": "v"}
        )
    )
