"""Every importable module of the SDK, for tests that walk the whole package."""

from __future__ import annotations

import importlib.util
import pkgutil

import familyhubs_sdk

# Adapters import their framework, which is an optional extra.
_FRAMEWORKS = {
    "familyhubs_sdk.integrations.flask": "flask",
    "familyhubs_sdk.integrations.django": "django",
    "familyhubs_sdk.integrations.fastapi": "fastapi",
}


def sdk_modules() -> list[str]:
    """Module names, leaving out migrations, ``__main__`` and adapters whose framework is absent."""
    names = []
    for module in pkgutil.walk_packages(familyhubs_sdk.__path__, "familyhubs_sdk."):
        framework = _FRAMEWORKS.get(module.name)
        if ".migrations" in module.name or module.name.endswith("__main__"):
            continue
        if framework is not None and importlib.util.find_spec(framework) is None:
            continue
        names.append(module.name)
    return sorted(names)
