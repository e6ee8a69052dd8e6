"""A synthetic LA warehouse — SSD-shaped social care plus health, education and police extracts —
for the demo, tests and benchmarks. Deterministic from a seed. Never real data."""

from familyhubs_sdk.synthetic.generate import Subject as Subject
from familyhubs_sdk.synthetic.load import SOURCES as SOURCES
from familyhubs_sdk.synthetic.load import WarehouseSummary as WarehouseSummary
from familyhubs_sdk.synthetic.load import build_warehouse as build_warehouse
from familyhubs_sdk.synthetic.load import catalogs as catalogs
from familyhubs_sdk.synthetic.load import connectors as connectors

__all__ = ["SOURCES", "Subject", "WarehouseSummary", "build_warehouse", "catalogs", "connectors"]
