"""A synthetic LA warehouse — SSD-shaped social care plus health, education and police extracts —
for the demo, tests and benchmarks. Deterministic from a seed. Never real data."""

from familyhubs_sdk.synthetic._generate import Subject as Subject
from familyhubs_sdk.synthetic._load import SOURCES as SOURCES
from familyhubs_sdk.synthetic._load import WarehouseSummary as WarehouseSummary
from familyhubs_sdk.synthetic._load import build_warehouse as build_warehouse
from familyhubs_sdk.synthetic._load import catalogs as catalogs
from familyhubs_sdk.synthetic._load import connectors as connectors
from familyhubs_sdk.synthetic._load import export_lake as export_lake
from familyhubs_sdk.synthetic._service import DEMO_VIEWERS as DEMO_VIEWERS
from familyhubs_sdk.synthetic._service import SOURCE_LABELS as SOURCE_LABELS
from familyhubs_sdk.synthetic._service import demo_access_rules as demo_access_rules
from familyhubs_sdk.synthetic._service import demo_timeline_service as demo_timeline_service

__all__ = [
    "DEMO_VIEWERS",
    "SOURCES",
    "SOURCE_LABELS",
    "Subject",
    "WarehouseSummary",
    "build_warehouse",
    "catalogs",
    "connectors",
    "demo_access_rules",
    "demo_timeline_service",
    "export_lake",
]
