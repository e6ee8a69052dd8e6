"""The ``component_params`` filter: a component's parameters, cheap to read in a macro body.

GOV.UK Frontend macros read many optional parameters; ``params.get("x")`` in Jinja is an attribute
lookup and a runtime call each time. The filter copies the mapping once into a dict whose missing
keys read as ``None``, so a macro reads ``p["x"]`` as it would ``params.get("x")`` at a fraction of
the cost. Each macro call copies its own parameters, and each nested mapping it reads; the copy is
shallow: nested mappings stay the caller's, to be passed on unchanged or read
through the filter again.

>>> p = component_params({"text": "Day"})
>>> p["text"], p["classes"]
('Day', None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

__all__ = ["ComponentParams", "component_params"]


class ComponentParams(dict[str, Any]):
    """Parameters where a missing key reads as ``None``, as ``dict.get`` would give."""

    __slots__ = ()
    # ``dict.get`` is C code: a missing key costs no Python frame and no KeyError.
    __missing__ = dict.get


class _Attributes:
    """An object that is not a mapping, read by name as Jinja's ``obj.name`` reads it."""

    __slots__ = ("_obj",)

    def __init__(self, obj: object) -> None:
        self._obj = obj

    def __getitem__(self, name: str) -> Any:
        return getattr(self._obj, name, None)

    def __contains__(self, name: str) -> bool:
        return hasattr(self._obj, name)

    def __bool__(self) -> bool:
        return bool(self._obj)


def component_params(params: object, *, lenient: bool = False) -> ComponentParams | _Attributes:
    """``params`` as :class:`ComponentParams`.

    :param lenient: read an object that is not a mapping by its attributes, each missing one as
        ``None``, as the components written with ``params.text`` (summary list, tag, details)
        always have, instead of refusing it.
    :raises jinja2.UndefinedError: when ``params`` is undefined, or not a mapping and not
        ``lenient``, as reading ``params.get`` in the macro would.
    """
    if isinstance(params, ComponentParams):
        return params
    if isinstance(params, Mapping):
        # A subclass may read differently from what it stores (Django's QueryDict gives the last
        # value of a list): copy what ``params[key]`` reads, as ``params.get`` did.
        copied = params if type(params) is dict else {key: params[key] for key in params}
        if lenient:  # ``| default(...)`` took an undefined value as missing: so do these
            copied = {k: v for k, v in copied.items() if not isinstance(v, jinja2.Undefined)}
        return ComponentParams(copied)
    if isinstance(params, jinja2.Undefined):
        params._fail_with_undefined_error()
    if lenient:
        return _Attributes(params)
    kind = type(params).__name__
    raise jinja2.UndefinedError(f"component parameters must be a mapping, not {kind}")
