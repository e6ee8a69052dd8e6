"""Find connector classes by name: built-ins, the ``familyhubs_sdk.connectors`` entry-point
group, and :func:`register`.

A plugin package declares, in its ``pyproject.toml``::

    [project.entry-points."familyhubs_sdk.connectors"]
    mosaic = "mosaic_familyhubs:MosaicConnector"

>>> get("sql_view").__name__
'SQLViewConnector'
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from pydantic import ValidationError

from familyhubs_sdk.connectors._base import ConnectorConfig, SourceConnector
from familyhubs_sdk.errors import ConnectorRegistrationError

__all__ = ["ENTRY_POINT_GROUP", "available", "create", "get", "register"]

ENTRY_POINT_GROUP = "familyhubs_sdk.connectors"

_BUILT_IN = {"sql_view": "familyhubs_sdk.connectors._sql:SQLViewConnector"}
_registered: dict[str, type[SourceConnector]] = {}


def register(name: str, target: str | type[SourceConnector]) -> type[SourceConnector]:
    """Register a connector class under ``name``, given as ``"module:attr"`` or the class.

    The class is loaded and checked now, so a wrong path fails at start-up, naming the plugin.
    """
    connector = _load(name, target)
    _registered[name] = connector
    return connector


def get(name: str) -> type[SourceConnector]:
    """The connector class registered as ``name`` (loading entry points on first use)."""
    if name in _registered:
        return _registered[name]
    if name in _BUILT_IN:
        return register(name, _BUILT_IN[name])
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == name:
            return register(name, entry.value)
    raise ConnectorRegistrationError(
        f"no connector named {name!r}; known: {', '.join(available()) or 'none'}"
    )


def available() -> list[str]:
    """Every connector name that can be asked for."""
    names = set(_registered) | set(_BUILT_IN)
    names |= {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(names)


def create(name: str, config: Mapping[str, Any] | ConnectorConfig) -> SourceConnector:
    """Build the connector ``name`` from its settings, validated by its ``Config`` model."""
    connector = get(name)
    if not isinstance(config, ConnectorConfig):
        try:
            config = connector.Config.model_validate(config)
        except ValidationError as exc:
            error = exc.errors(include_input=False, include_url=False)[0]
            where = ".".join(str(part) for part in error["loc"])
            raise ConnectorRegistrationError(
                f"connector {name!r}: setting {where}: {error['msg']}"
            ) from None
    return connector.from_config(config)


def _load(name: str, target: str | type[SourceConnector]) -> type[SourceConnector]:
    loaded: Any = target
    if isinstance(target, str):
        module_name, _, attribute = target.partition(":")
        if not module_name or not attribute:
            raise ConnectorRegistrationError(
                f"connector plugin {name!r}: {target!r} is not 'module:attribute'"
            )
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ConnectorRegistrationError(
                f"connector plugin {name!r}: cannot import {module_name!r} ({exc.name})"
            ) from None
        try:
            loaded = getattr(module, attribute)
        except AttributeError:
            raise ConnectorRegistrationError(
                f"connector plugin {name!r}: {module_name!r} has no {attribute!r}"
            ) from None
    if not (isinstance(loaded, type) and issubclass(loaded, SourceConnector)):
        raise ConnectorRegistrationError(
            f"connector plugin {name!r}: {loaded!r} is not a SourceConnector subclass"
        )
    if getattr(loaded, "__abstractmethods__", None):
        missing = ", ".join(sorted(loaded.__abstractmethods__))
        raise ConnectorRegistrationError(
            f"connector plugin {name!r}: {loaded.__name__} does not implement {missing}"
        )
    if not (isinstance(loaded.Config, type) and issubclass(loaded.Config, ConnectorConfig)):
        raise ConnectorRegistrationError(
            f"connector plugin {name!r}: {loaded.__name__}.Config is not a ConnectorConfig"
        )
    return loaded
