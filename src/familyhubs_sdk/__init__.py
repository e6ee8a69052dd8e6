"""familyhubs-sdk: connect professionals around a child, and connect families to support.

The public API is re-exported here; everything else is an implementation detail.
"""

from importlib.metadata import PackageNotFoundError, version

from familyhubs_sdk._clock import Clock as Clock
from familyhubs_sdk._clock import utc_now as utc_now
from familyhubs_sdk._config import Settings as Settings
from familyhubs_sdk._config import load_settings as load_settings
from familyhubs_sdk.errors import FamilyHubsError as FamilyHubsError

try:
    __version__ = version("familyhubs-sdk")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0.0.0.dev0"

__all__ = [
    "Clock",
    "FamilyHubsError",
    "Settings",
    "__version__",
    "load_settings",
    "utc_now",
]
