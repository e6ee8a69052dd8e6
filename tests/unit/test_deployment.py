"""A deployment file loaded by one call; ``familyhubs timeline show`` and ``familyhubs links``
over it, a police lake known only by name and date of birth joined through an accepted link."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers.deployment import DeploymentFolder, write_deployment

from familyhubs_sdk.cli import main
from familyhubs_sdk.connectors import SQLViewConnector
from familyhubs_sdk.deployment import load_deployment
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.timeline import AccessReason, AuditAction, LinkStatus, Viewer

SECRET = "deployment-test-secret-" + "s" * 32
VIEWER = Viewer(id="sam", name="sam", role="social_worker", organisation="LA")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> DeploymentFolder:
    return write_deployment(tmp_path_factory.mktemp("deploy"))


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, folder: DeploymentFolder) -> None:
    monkeypatch.setenv("FAMILYHUBS_SECRET_KEY", SECRET)
    monkeypatch.setenv("TEST_WAREHOUSE_URL", f"sqlite:///{folder.config.parent / 'warehouse.db'}")


def test_one_call_builds_the_service_over_every_source(folder: DeploymentFolder) -> None:
    with load_deployment(folder.config) as deployment:
        assert [s.name for s in deployment.sources] == ["lcs", "health", "police_lake"]
        subject = deployment.service.resolver.resolve(
            "source_id", f"lcs:{folder.subject.la_person_id}"
        )
        assert subject is not None
        result = deployment.service.timeline(VIEWER, subject.master_id, AccessReason(reason="x"))
        assert result.allowed
        assert result.page is not None
        sources = {e.source_name for e in result.page.entries}
        assert "Children's social care" in sources
        assert "Police" not in sources
        assert result.audit_event.action is AuditAction.TIMELINE_VIEW


def test_links_cli_proposes_reviews_and_accepts_then_the_police_record_shows(
    folder: DeploymentFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(folder.config)
    assert main(["links", "propose", "--config", config]) == 0
    out = capsys.readouterr().out
    assert f"police_lake:{folder.police_key}" in out
    assert "PNC-2" not in out
    assert main(["links", "review", "--config", config]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if folder.police_key in x)
    link_id = line.split()[0]
    assert main(["links", "propose", "--config", config]) == 0
    assert "0 new proposals" in capsys.readouterr().out
    nhs = folder.subject.nhs_number
    assert nhs is not None
    show = ["timeline", "show", "--config", config, "--nhs-number", nhs, "--as",
            "sam/social_worker", "--reason", "assessment"]  # fmt: skip
    assert main(show) == 0
    assert "Domestic abuse" not in capsys.readouterr().out
    for anyone in ("sam/social_worker", "eve/anyrole"):
        assert main(["links", "accept", link_id, "--config", config, "--as", anyone]) == 2
        assert "has no audit permission" in capsys.readouterr().err
    ig = "ig-1/information_governance"
    assert main(["links", "accept", link_id, "--config", config, "--as", ig]) == 0
    assert f"link {link_id} accepted by ig-1" in capsys.readouterr().out
    assert main(show) == 0
    page = capsys.readouterr().out
    assert "[Police]" in page
    assert "Who to contact" in page
    with load_deployment(folder.config) as deployment:
        assert deployment.links.get(int(link_id)).status is LinkStatus.ACCEPTED
        reads = deployment.audit.query(actor_id="sam", action=AuditAction.TIMELINE_VIEW)
        assert len(reads) >= 2  # every show is audited like any read
    assert main(["links", "reject", link_id, "--config", config, "--as", ig]) == 2
    assert "already accepted [link_review_invalid]" in capsys.readouterr().err


def test_timeline_show_refuses_a_role_the_rules_do_not_know(
    folder: DeploymentFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    nhs = folder.subject.nhs_number
    assert nhs is not None
    argv = ["timeline", "show", "--config", str(folder.config), "--nhs-number", nhs,
            "--as", "eve/unknown_role", "--reason", "curious"]  # fmt: skip
    assert main(argv) == 1
    assert "refused: no_rule_for_role" in capsys.readouterr().out
    argv[argv.index("--as") + 1] = "eve"
    assert main(argv) == 2
    assert "--as takes a user id and a role" in capsys.readouterr().err


def test_secrets_come_from_the_environment(
    folder: DeploymentFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_WAREHOUSE_URL")
    with pytest.raises(ConfigurationError, match="TEST_WAREHOUSE_URL is not set"):
        load_deployment(folder.config)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "policy: p.yaml\nsources:\n  - {name: lcs, views: v.yaml, "
        "url: 'postgresql://u:hunter2@db/warehouse'}\n"
    )
    with pytest.raises(ConfigurationError, match="must hold no password") as raised:
        load_deployment(bad)
    assert "hunter2" not in str(raised.value)
    bad.write_text("policy: p.yaml\nsources: []\n")
    with pytest.raises(ConfigurationError, match="sources"):
        load_deployment(bad)


def test_the_directory_namespaces_come_from_the_file(folder: DeploymentFolder) -> None:
    variant = folder.config.with_name("with-directory.yaml")
    variant.write_text(
        folder.config.read_text()
        + "directory: [{namespace: staff, directory: [lcs], sources: [lcs]}]\n"
    )
    with load_deployment(variant) as deployment:
        subject = deployment.service.resolver.resolve(
            "source_id", f"lcs:{folder.subject.la_person_id}"
        )
        assert subject is not None
        result = deployment.service.contacts(VIEWER, subject.master_id, AccessReason(reason="x"))
        assert result.page is not None
        assert result.page.contacts
        prefixes = {card.id.split(":")[0] for card in result.page.contacts}
        assert "staff" in prefixes
        assert "lcs" not in prefixes


def test_close_stops_the_service_and_refresh_stops_only_the_old_workers(
    folder: DeploymentFolder,
) -> None:
    deployment = load_deployment(folder.config)
    old = deployment.service
    deployment.refresh()
    assert old.federated._pool._closed
    assert deployment.service is not old
    subject = deployment.service.resolver.resolve("source_id", f"lcs:{folder.subject.la_person_id}")
    assert subject is not None
    result = deployment.service.timeline(VIEWER, subject.master_id, AccessReason(reason="x"))
    assert result.allowed  # the shared connectors are still open
    current = deployment.service
    deployment.close()
    assert current.federated._pool._closed


def test_a_source_that_cannot_be_built_closes_those_built_before_it(
    folder: DeploymentFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[str] = []
    monkeypatch.setattr(SQLViewConnector, "close", lambda self: closed.append(self.name))
    monkeypatch.delenv("TEST_WAREHOUSE_URL")  # the second source's URL
    with pytest.raises(ConfigurationError, match="TEST_WAREHOUSE_URL is not set"):
        load_deployment(folder.config)
    assert closed == ["lcs"]
