"""A deployment folder for tests: the synthetic warehouse on SQLite, a police lake of CSV files
that knows children only by name and date of birth, view files and the deployment YAML."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.synthetic import Subject, build_warehouse, connectors

POLICE_LAKE_VIEWS = """\
source_system: police_lake
code_maps:
  notification_kind: {DA: police.domestic_abuse_notification, MISS: police.missing_episode}
definitions:
  - name: pnc_people
    view: person
    table: pnc_people
    columns: {person_key: pn_person_id, given_name: forename, family_name: surname,
              birth_date: dob}
  - name: pnc_notifications
    view: timeline_event
    table: pnc_notifications
    columns: {source_ref: pn_id, person_key: pn_person_id, period_start: notified_at,
              kind: {column: category, map: notification_kind}}
"""

ACCESS_RULES = """\
roles:
  social_worker:
    views: [search, timeline, contacts]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive, restricted]
    contact_fields: [work_phone, duty_phone, secure_email, work_email]
    requires_relationship: false
  information_governance:
    audit: true
"""


@dataclass
class DeploymentFolder:
    config: Path
    subject: Subject
    #: The police lake's key for the subject.
    police_key: str


def write_deployment(folder: Path, *, children: int = 60, seed: int = 3) -> DeploymentFolder:
    """Everything ``load_deployment`` needs, in ``folder``; the store is migrated."""
    warehouse_url = f"sqlite:///{folder / 'warehouse.db'}"
    warehouse = create_engine(warehouse_url)
    summary = build_warehouse(warehouse, children=children, seed=seed)
    subject = summary.subject_near(15)
    [child] = connectors(warehouse)[0].read_people([subject.la_person_id])
    warehouse.dispose()
    assert child.birth_date is not None
    lake = folder / "lake" / "police"
    lake.mkdir(parents=True)
    (lake / "pnc_people.csv").write_text(
        "pn_person_id,forename,surname,dob\n"
        f"PNC-1,{child.given_name},{(child.family_name or '').upper()},{child.birth_date}\n"
        f"PNC-2,Zed,Unmatched,2001-01-01\n"
    )
    (lake / "pnc_notifications.csv").write_text(
        "pn_id,pn_person_id,notified_at,category\n"
        "N1,PNC-1,2026-03-04 22:10:00,DA\n"
        "N2,PNC-2,2026-03-05 01:00:00,MISS\n"
    )
    views = folder / "views"
    views.mkdir()
    shipped = files("familyhubs_sdk.synthetic").joinpath("views")
    for source in ("lcs", "health"):
        (views / f"{source}.yaml").write_text(shipped.joinpath(f"{source}.yaml").read_text())
    (views / "police_lake.yaml").write_text(POLICE_LAKE_VIEWS)
    (folder / "access_rules.yaml").write_text(ACCESS_RULES)
    store_url = f"sqlite:///{folder / 'store.db'}"
    store = create_engine(store_url)
    upgrade(store)
    store.dispose()
    config = folder / "deploy.yaml"
    config.write_text(
        f"store: {{url: '{store_url}'}}\n"
        "policy: access_rules.yaml\n"
        "sources:\n"
        f"  - {{name: lcs, label: Children's social care, views: views/lcs.yaml, url: '{warehouse_url}'}}\n"
        "  - {name: health, label: Health, views: views/health.yaml, url_env: TEST_WAREHOUSE_URL}\n"
        "  - {name: police_lake, label: Police, views: views/police_lake.yaml, lake: lake/police}\n"
    )
    return DeploymentFolder(config=config, subject=subject, police_key="PNC-1")
