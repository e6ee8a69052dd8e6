"""A deployment config: one YAML file that says where the LA's sources are and how to read them,
loaded by one call into a running :class:`~familyhubs_sdk.timeline.TimelineService`.

The file names things; secrets stay in the environment. A source's URL is read from the
environment variable its ``url_env`` names (a ``url`` written in the file is refused if it holds a
password), and so are the SDK store's URL and the secret key the audit and master ids are keyed
with. Paths are relative to the config file.

.. code-block:: yaml

    store: {url_env: FAMILYHUBS_DATABASE_URL}
    policy: access_rules.yaml
    sources:
      - {name: lcs, label: Children's social care, views: views/lcs.yaml, url_env: WAREHOUSE_URL}
      - {name: police, label: Police, views: views/police.yaml, lake: lake/police}
      - {name: hr, views: views/hr.yaml, url_env: HR_URL}
    directory: [{namespace: hr, directory: [hr], sources: [lcs, police]}]
    linkage: {accepted_links: true, threshold_weight: 8}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk._config import Settings
from familyhubs_sdk._lake import lake_engine
from familyhubs_sdk.connectors._base import Capability
from familyhubs_sdk.connectors._sql import SQLViewConnector, SQLViewConnectorConfig
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store._engine import create_engine
from familyhubs_sdk.timeline._audit import AuditLog
from familyhubs_sdk.timeline._directory import ProfessionalDirectory
from familyhubs_sdk.timeline._identity import DeterministicResolver
from familyhubs_sdk.timeline._links import LinkStore
from familyhubs_sdk.timeline._policy import AccessPolicy, AccessRules, RelationshipCheck
from familyhubs_sdk.timeline._service import TimelineService
from familyhubs_sdk.timeline._splink import SplinkLinker
from familyhubs_sdk.views._canonical import Person
from familyhubs_sdk.views._definition import ViewCatalog

__all__ = ["Deployment", "DeploymentConfig", "SourceConfig", "load_deployment"]

_NAME = r"^[A-Za-z0-9_.-]+$"


class SourceConfig(BaseModel):
    """One source: its view definitions and where its tables are (exactly one of ``url_env``,
    ``url`` or ``lake``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=_NAME)
    #: How screens name the source, e.g. "Children's social care".
    label: str | None = Field(default=None, max_length=100)
    views: Path
    #: The environment variable holding the SQLAlchemy URL (the usual way: secrets stay out).
    url_env: str | None = None
    #: A URL with no password in it (e.g. ``sqlite:///warehouse.db``).
    url: str | None = None
    #: A folder of Parquet or CSV files read in place with DuckDB.
    lake: Path | None = None
    timeout_s: float = Field(default=3.0, gt=0, le=60)
    statement_timeout_ms: int = Field(default=5_000, gt=0)

    @model_validator(mode="after")
    def _one_location(self) -> SourceConfig:
        given = [n for n in ("url_env", "url", "lake") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of url_env, url or lake")
        _refuse_password(self.url)
        return self


class StoreConfig(BaseModel):
    """The SDK's own database (audit, reviewed links), migrated with ``familyhubs db upgrade``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: The environment variable holding its URL.
    url_env: str = "FAMILYHUBS_DATABASE_URL"
    #: Or a URL with no password in it, e.g. ``sqlite:///familyhubs.db``.
    url: str | None = None

    @model_validator(mode="after")
    def _no_password(self) -> StoreConfig:
        _refuse_password(self.url)
        return self


def _refuse_password(url: str | None) -> None:
    if url is None:
        return
    try:
        parsed = make_url(url)
    except (ValueError, sa_exc.ArgumentError):
        raise ValueError("not a valid SQLAlchemy URL") from None
    if parsed.password:
        raise ValueError("a url in the file must hold no password: use url_env")


class LinkageConfig(BaseModel):
    """Whether accepted links join records, and how proposals are made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Read accepted links from the store's ``fh_person_links`` into identity resolution.
    accepted_links: bool = True
    #: The lowest Splink match weight proposed for review.
    threshold_weight: float = 8.0
    prior: float = Field(default=0.001, gt=0, lt=1)


class DeploymentConfig(BaseModel):
    """The whole deployment file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sources: list[SourceConfig] = Field(min_length=1)
    #: The access rules (YAML), see ``docs/connecting-professionals.md``.
    policy: Path
    store: StoreConfig = StoreConfig()
    #: The environment variable holding the secret the audit and master ids are keyed with.
    secret_key_env: str = "FAMILYHUBS_SECRET_KEY"  # noqa: S105 - a variable's name, not a secret
    linkage: LinkageConfig = LinkageConfig()
    #: The professional directory's namespaces (see
    #: :class:`~familyhubs_sdk.timeline.ProfessionalDirectory`), e.g.
    #: ``[{namespace: hr, directory: [hr], sources: [lcs, health]}]``; the directory connectors
    #: are sources above.
    directory: list[dict[str, Any]] = []

    @model_validator(mode="after")
    def _unique_names(self) -> DeploymentConfig:
        names = [source.name for source in self.sources]
        if len(set(names)) != len(names):
            raise ValueError("each source needs its own name")
        return self


@dataclass
class Deployment:
    """A loaded deployment: the service and what it was built from. Close it when done."""

    config: DeploymentConfig
    service: TimelineService
    sources: list[SQLViewConnector]
    store: Engine
    audit: AuditLog
    links: LinkStore
    #: Every person of every source, as read at load time.
    people: list[Person]
    master_id_key: bytes = field(repr=False)
    clock: Clock = utc_now
    relationship: RelationshipCheck | None = None

    def linker(self) -> SplinkLinker:
        """The probabilistic linker the config describes (needs the ``linkage`` extra)."""
        return SplinkLinker(
            threshold_weight=self.config.linkage.threshold_weight, prior=self.config.linkage.prior
        )

    def resolver(self) -> DeterministicResolver:
        """Identity resolution over the people read at load time and, unless the config turns
        them off, the links accepted so far."""
        accepted = self.links.accepted() if self.config.linkage.accepted_links else []
        return DeterministicResolver(self.people, key=self.master_id_key, accepted=accepted)

    def refresh(self) -> None:
        """Read the people and accepted links again and rebuild :attr:`service` (after links are
        accepted, or the warehouse is reloaded)."""
        self.people = _all_people(self.sources)
        old, self.service = self.service, _service(self.config, self.sources, self, self.resolver())
        if old is not None:
            # Only the old service's worker threads: its connectors are the new one's too.
            old.federated.stop_workers()

    def close(self) -> None:
        if self.service is not None:
            self.service.close()
        for source in self.sources:
            source.close()
        self.store.dispose()

    def __enter__(self) -> Deployment:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def load_deployment(
    path: str | Path,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Clock = utc_now,
    relationship: RelationshipCheck | None = None,
) -> Deployment:
    """Read the deployment file at ``path`` and build its :class:`TimelineService`.

    ``environ`` (default: the process environment) supplies the URLs and the secret key;
    ``relationship`` is the access policy's hook for roles that need a legitimate relationship
    (without it they are refused, as ever). Every
    problem — a missing variable, file or field — raises
    :class:`~familyhubs_sdk.errors.ConfigurationError` naming it, never the secret.
    """
    config_path = Path(path)
    env = os.environ if environ is None else environ
    config = _read(config_path)
    base = config_path.parent
    secret = _env(env, config.secret_key_env)
    settings = Settings(secret_key=SecretStr(secret))
    store = create_engine(config.store.url or _env(env, config.store.url_env))
    audit = AuditLog(store, key=settings.derived_key("audit"), clock=clock)
    try:
        policy = AccessPolicy(_rules(base / config.policy), relationship=relationship, clock=clock)
        sources = _connectors(config.sources, base, env)
    except BaseException:
        store.dispose()
        raise
    deployment = Deployment(
        config=config.model_copy(update={"policy": base / config.policy}),
        service=None,  # type: ignore[arg-type]  # built by refresh() below
        sources=sources,
        store=store,
        audit=audit,
        links=LinkStore(store, audit=audit, policy=policy, clock=clock),
        people=[],
        master_id_key=settings.derived_key("master_id"),
        clock=clock,
        relationship=relationship,
    )
    try:
        deployment.refresh()
    except BaseException:
        deployment.close()
        raise
    return deployment


def _read(path: Path) -> DeploymentConfig:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise ConfigurationError(f"cannot read the deployment file {str(path)!r}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path.name}: not valid YAML ({exc})") from None
    try:
        return DeploymentConfig.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        raise ConfigurationError(f"{path.name}: {where}: {error['msg']}") from None


def _env(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"the environment variable {name} is not set")
    return value


def _connectors(
    configs: list[SourceConfig], base: Path, environ: Mapping[str, str]
) -> list[SQLViewConnector]:
    """Every source's connector; if one cannot be built, those built before it are closed."""
    built: list[SQLViewConnector] = []
    try:
        for source in configs:
            built.append(_connector(source, base, environ))
    except BaseException:
        for connector in built:
            connector.close()
        raise
    return built


def _connector(source: SourceConfig, base: Path, environ: Mapping[str, str]) -> SQLViewConnector:
    views = base / source.views
    if source.lake is not None:
        return SQLViewConnector(
            lake_engine(base / source.lake),
            ViewCatalog.load(views),
            name=source.name,
            timeout_s=source.timeout_s,
        )
    url = source.url if source.url is not None else _env(environ, source.url_env or "")
    connector = SQLViewConnector.from_config(
        SQLViewConnectorConfig(
            name=source.name,
            url=SecretStr(url),
            views=views,
            timeout_s=source.timeout_s,
            statement_timeout_ms=source.statement_timeout_ms,
        )
    )
    if not isinstance(connector, SQLViewConnector):  # pragma: no cover - from_config's contract
        raise TypeError("SQLViewConnector.from_config returned another connector")
    return connector


def _all_people(sources: list[SQLViewConnector]) -> list[Person]:
    return [
        person
        for source in sources
        if Capability.PEOPLE in source.capabilities
        for person in source.all_people()
    ]


def _rules(path: Path) -> AccessRules:
    try:
        return AccessRules.load(path)
    except OSError:
        raise ConfigurationError(f"cannot read the access rules {str(path)!r}") from None


def _service(
    config: DeploymentConfig,
    sources: list[SQLViewConnector],
    deployment: Deployment,
    resolver: DeterministicResolver,
) -> TimelineService:
    return TimelineService(
        sources,
        resolver=resolver,
        policy=AccessPolicy(
            _rules(config.policy), relationship=deployment.relationship, clock=deployment.clock
        ),
        audit=deployment.audit,
        source_labels={s.name: s.label for s in config.sources if s.label},
        directory=ProfessionalDirectory.from_data(config.directory) if config.directory else None,
        people=deployment.people,
        clock=deployment.clock,
    )
