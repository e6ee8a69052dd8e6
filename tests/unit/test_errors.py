"""The error tree: stable codes, stdlib mix-ins, and docs/errors.md in step with the code."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from tests.helpers.sdk_modules import sdk_modules

from familyhubs_sdk import errors

DOCS = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def _import_everything() -> None:
    # Error classes register by subclassing; import every module so none is missed.
    for name in sdk_modules():
        importlib.import_module(name)


def _documented_codes() -> dict[str, str]:
    rows = re.findall(r"^\| `([a-z_]+)` \| `([A-Za-z]+)` \|", DOCS.read_text(), re.MULTILINE)
    return dict(rows)


def test_every_code_is_unique_and_documented_exactly() -> None:
    _import_everything()
    classes = errors.all_error_classes()
    codes = [cls.code for cls in classes]

    assert len(codes) == len(set(codes)), "two error classes share a code"
    assert _documented_codes() == {cls.code: cls.__name__ for cls in classes}


def test_every_error_class_is_exported_from_errors_module() -> None:
    _import_everything()
    for cls in errors.all_error_classes():
        assert cls.__module__ == "familyhubs_sdk.errors", cls
        assert cls.__name__ in errors.__all__


def test_codes_are_short_snake_case() -> None:
    _import_everything()
    for cls in errors.all_error_classes():
        assert re.fullmatch(r"[a-z][a-z_]{2,40}", cls.code), cls


@pytest.mark.parametrize(
    ("error", "stdlib"),
    [
        (errors.ConfigurationError, ValueError),
        (errors.StoreError, RuntimeError),
        (errors.TemplateNotFoundError, LookupError),
        (errors.UnsafeURLError, ValueError),
    ],
)
def test_generic_handlers_catch_sdk_errors(error: type[Exception], stdlib: type[Exception]) -> None:
    with pytest.raises(stdlib):
        raise error("boom")


def test_message_and_retryable() -> None:
    exc = errors.StoreUnavailableError("database down")
    assert str(exc) == "database down"
    assert exc.message == "database down"
    assert exc.retryable is True
    assert errors.MigrationError.retryable is False
