"""The examples in the SDK's docstrings are true."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest
from tests.helpers.sdk_modules import sdk_modules

MODULES = sdk_modules()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
