"""The deployment steps the example portals expect before they start: a secret in the
environment, the store migrated, the synthetic warehouse written (what `familyhubs db upgrade`
and `familyhubs views synthetic` do in production)."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.synthetic import build_warehouse

#: A fixed key for tests only; every example portal refuses to start without one.
TEST_SECRET = "portal-tests-only-" + "k" * 40


def prepare_portal(data_dir: Path, monkeypatch: pytest.MonkeyPatch, *, children: int = 150) -> None:
    """Set the secret, migrate the SQLite store in ``data_dir`` and write the warehouse beside it."""
    monkeypatch.setenv("FAMILYHUBS_SECRET_KEY", TEST_SECRET)
    monkeypatch.delenv("FAMILYHUBS_DATABASE_URL", raising=False)
    monkeypatch.delenv("PORTAL_WAREHOUSE_URL", raising=False)
    store = create_engine(f"sqlite:///{(data_dir / 'familyhubs.db').as_posix()}")
    warehouse = create_engine(f"sqlite:///{(data_dir / 'warehouse.db').as_posix()}")
    try:
        upgrade(store)
        build_warehouse(warehouse, children=children)
    finally:
        store.dispose()
        warehouse.dispose()
