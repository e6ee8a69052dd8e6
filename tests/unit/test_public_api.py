"""The public surface changes only on purpose: this test lists it.

One rule decides what is public: a module whose dotted path has no segment starting with an
underscore is public, and its ``__all__`` is its contract. Everything else lives in private
modules (``_flow.py``) and may change in any release. Packages hand names on from their private
modules; ``docs/api.md`` documents exactly the names listed here.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from tests.helpers.sdk_modules import sdk_modules

import familyhubs_sdk

PUBLIC: dict[str, set[str]] = {
    "familyhubs_sdk": {
        "__version__",
        "Clock",
        "FamilyHubsError",
        "load_settings",
        "Settings",
        "utc_now",
    },
    "familyhubs_sdk.cli": {
        "COMMAND_GROUPS",
        "main",
    },
    "familyhubs_sdk.connectors": {
        "as_naive",
        "available",
        "Capability",
        "validate_read_args",
        "CheckResult",
        "ConnectorConfig",
        "create",
        "Federated",
        "FederatedSource",
        "get",
        "OutcomeState",
        "ProfessionalContacts",
        "register",
        "SourceConnector",
        "SourceOutcome",
        "SQLViewConnector",
        "SQLViewConnectorConfig",
    },
    "familyhubs_sdk.delivery": {
        "Attachment",
        "ClaimedJob",
        "DatabaseTableChannel",
        "DeadJob",
        "DeadLetter",
        "DeliveryChannel",
        "DeliveryOutcome",
        "DeliveryResult",
        "enqueue",
        "FileDropChannel",
        "generate_webhook_secret",
        "JobStatus",
        "la_inbox_table",
        "OutboundMessage",
        "outbox_status",
        "OutboxStatus",
        "OutboxWorker",
        "retry_dead",
        "RetryPolicy",
        "RunReport",
        "sign_webhook",
        "SMTPChannel",
        "SMTPServer",
        "verify_signature",
        "WebhookChannel",
    },
    "familyhubs_sdk.demo": set(),
    "familyhubs_sdk.errors": {
        "all_error_classes",
        "ConditionError",
        "ConfigurationError",
        "ConnectorError",
        "ConnectorRegistrationError",
        "DeliveryError",
        "EvidenceError",
        "FamilyHubsError",
        "IdentifierError",
        "MigrationError",
        "RenderingError",
        "RequestNotFoundError",
        "SourceTimeoutError",
        "StatusChangeError",
        "StepNotOnPathError",
        "StoreError",
        "StoreUnavailableError",
        "TemplateNotFoundError",
        "TokenError",
        "TreeDefinitionError",
        "UnansweredQuestionError",
        "UnsafeURLError",
        "UnsupportedReadError",
        "ViewDefinitionError",
    },
    "familyhubs_sdk.integrations": set(),
    "familyhubs_sdk.integrations.django": {
        "DJANGO_CSRF_FIELD",
        "support_urls",
        "timeline_urls",
    },
    "familyhubs_sdk.integrations.fastapi": {
        "support_router",
        "timeline_router",
    },
    "familyhubs_sdk.integrations.flask": {
        "FamilyHubsSupport",
        "FamilyHubsTimeline",
    },
    "familyhubs_sdk.questiontree": {
        "add_another",
        "Answer",
        "answer",
        "AnswerResult",
        "back",
        "change",
        "ChangeResult",
        "check_tree",
        "CheckReport",
        "current_step",
        "dump_tree",
        "ExitPage",
        "FieldError",
        "Group",
        "IndicatedOutcome",
        "is_complete",
        "JourneyState",
        "load_tree",
        "load_tree_file",
        "mermaid",
        "migrate_state",
        "Migration",
        "Option",
        "Outcome",
        "outcomes",
        "path_answers",
        "Problem",
        "Progress",
        "progress",
        "Question",
        "QuestionTree",
        "remove_repeat",
        "Route",
        "Section",
        "start",
        "Step",
        "summary",
        "SummaryRow",
        "Walk",
        "walk",
    },
    "familyhubs_sdk.rendering": {
        "asset_tags",
        "GOVUK_FRONTEND_VERSION",
        "static_path",
        "validate_url",
        "is_safe_url",
        "make_environment",
        "render",
        "Renderer",
        "safe_url",
    },
    "familyhubs_sdk.store": {
        "create_engine",
        "current_revision",
        "EvidenceDeleter",
        "head_revision",
        "metadata",
        "place_legal_hold",
        "purge",
        "PurgeReport",
        "release_legal_hold",
        "RetentionPolicy",
        "upgrade",
        "UTCDateTime",
    },
    "familyhubs_sdk.support": {
        "allowed_moves",
        "AnalyticsEvent",
        "AnalyticsRecorder",
        "AnalyticsSink",
        "build_flow",
        "build_report",
        "validate_upload",
        "CheckedFile",
        "ClamAVScanner",
        "DatabaseEvidenceStorage",
        "default_tree",
        "DraftStore",
        "EvidenceIndex",
        "EvidenceRecord",
        "EvidenceRules",
        "EvidenceScanner",
        "EvidenceStorage",
        "EvidenceSummary",
        "EvidenceUploads",
        "FilesystemEvidenceStorage",
        "FormFlow",
        "FormReport",
        "InboxPage",
        "InboxQuery",
        "InboxRow",
        "InMemoryAnalytics",
        "InMemoryDraftStore",
        "JourneyOptions",
        "InMemoryEvidenceIndex",
        "InMemoryEvidenceStorage",
        "load_events",
        "load_request",
        "new_journey_key",
        "new_reference",
        "NoScanner",
        "purge_expired_drafts",
        "RateLimit",
        "read_status_form",
        "render_inbox_list",
        "render_insights",
        "render_report",
        "render_request_detail",
        "render_request_html",
        "render_status_form",
        "report_csv",
        "request_insights",
        "request_json_schema",
        "request_text",
        "RequestAnswer",
        "RequestComposer",
        "RequestInbox",
        "RequestInsights",
        "RequestOutcome",
        "RequestRecord",
        "RequestStatus",
        "Resumed",
        "ResumeTokens",
        "ScanResult",
        "SlidingWindowRateLimit",
        "snapshot",
        "SQLDraftStore",
        "SQLEvidenceIndex",
        "StatusChange",
        "StatusChoice",
        "StoreSubmitter",
        "Submitter",
        "SupportRequest",
        "UploadedFile",
        "WebRequest",
        "WebResponse",
    },
    "familyhubs_sdk.support.analytics": {
        "AnalyticsEvent",
        "AnalyticsRecorder",
        "AnalyticsSink",
        "build_report",
        "FormReport",
        "InMemoryAnalytics",
        "load_events",
        "new_journey_key",
        "render_insights",
        "render_report",
        "report_csv",
        "request_insights",
        "RequestInsights",
    },
    "familyhubs_sdk.support.evidence": {
        "validate_upload",
        "CheckedFile",
        "ClamAVScanner",
        "DatabaseEvidenceStorage",
        "EvidenceIndex",
        "EvidenceRecord",
        "EvidenceRules",
        "EvidenceScanner",
        "EvidenceStorage",
        "EvidenceUploads",
        "FilesystemEvidenceStorage",
        "InMemoryEvidenceIndex",
        "InMemoryEvidenceStorage",
        "NoScanner",
        "ScanResult",
        "SQLEvidenceIndex",
    },
    "familyhubs_sdk.support.inbox": {
        "allowed_moves",
        "InboxPage",
        "InboxQuery",
        "InboxRow",
        "read_status_form",
        "render_inbox_list",
        "render_request_detail",
        "render_status_form",
        "RequestInbox",
        "RequestRecord",
        "RequestStatus",
        "StatusChange",
        "StatusChoice",
    },
    "familyhubs_sdk.support.journey": {
        "build_flow",
        "default_tree",
        "DraftStore",
        "FormFlow",
        "InMemoryDraftStore",
        "JourneyOptions",
        "purge_expired_drafts",
        "RateLimit",
        "Resumed",
        "ResumeTokens",
        "SlidingWindowRateLimit",
        "SQLDraftStore",
        "UploadedFile",
        "WebRequest",
        "WebResponse",
    },
    "familyhubs_sdk.support.requests": {
        "EvidenceSummary",
        "load_request",
        "new_reference",
        "render_request_html",
        "request_json_schema",
        "request_text",
        "RequestAnswer",
        "RequestComposer",
        "RequestOutcome",
        "snapshot",
        "StoreSubmitter",
        "Submitter",
        "SupportRequest",
    },
    "familyhubs_sdk.synthetic": {
        "build_warehouse",
        "catalogs",
        "connectors",
        "demo_access_rules",
        "demo_timeline_service",
        "DEMO_VIEWERS",
        "SOURCE_LABELS",
        "SOURCES",
        "Subject",
        "WarehouseSummary",
    },
    "familyhubs_sdk.testing": {
        "CapturingChannel",
        "contract_dataset",
        "ContractDataset",
        "InMemoryConnector",
        "MemorySubmitter",
        "ReceivedWebhook",
        "SMTPReceiver",
        "WebhookReceiver",
        "write_contract_tables",
    },
    "familyhubs_sdk.testing.contract": {
        "ConnectorContract",
        "IndexedConnectorContract",
    },
    "familyhubs_sdk.timeline": {
        "accept_proposals",
        "AccessDecision",
        "AccessPolicy",
        "AccessReason",
        "AccessRules",
        "AuditAction",
        "AuditEvent",
        "AuditLog",
        "AuditOutcome",
        "ContactCard",
        "ContactPoint",
        "DeterministicResolver",
        "FamilyMember",
        "IdentityResolver",
        "keys_by_source",
        "link_people",
        "LinkProposal",
        "MASTER_ID",
        "PersonHeader",
        "ProbabilisticLinker",
        "render_access_denied",
        "render_contacts",
        "render_contacts_page",
        "render_family",
        "render_reason_form",
        "render_search_form",
        "render_search_results",
        "render_timeline_page",
        "render_viewed_by",
        "ResolvedSubject",
        "RoleRule",
        "SearchQuery",
        "SearchResult",
        "SourceNotice",
        "SourceState",
        "Timeline",
        "timeline_csv",
        "TimelineEntry",
        "TimelineFilters",
        "TimelinePage",
        "TimelineScreens",
        "TimelineService",
        "ViewedBy",
        "Viewer",
    },
    "familyhubs_sdk.views": {
        "CANONICAL_VIEWS",
        "CanonicalRecord",
        "check_catalog",
        "CompiledCatalog",
        "create_views",
        "EVENT_KINDS",
        "EventStatus",
        "explain_lookups",
        "FamilyMembership",
        "IdentifierType",
        "Involvement",
        "INVOLVEMENT_ROLES",
        "is_valid_nhs_number",
        "is_valid_upn",
        "Person",
        "PersonLink",
        "Professional",
        "ProfessionalContactPoint",
        "recommended_indexes",
        "Sensitivity",
        "SourceCoverage",
        "TimelineEvent",
        "ViewCatalog",
        "ViewDefinition",
    },
    "familyhubs_sdk.web": {
        "apply_session",
        "BodyLimits",
        "CsrfRule",
        "default_layout",
        "Handler",
        "Layout",
        "message_page",
        "Page",
        "read_session",
        "refuse_control_characters",
        "Route",
        "RouteMatch",
        "Router",
        "security_headers",
        "SESSION_PREFIX",
        "TakesUploads",
        "unsafe_field",
        "UploadedFile",
        "Viewer",
        "WebRequest",
        "WebResponse",
    },
}


@pytest.mark.parametrize("module_name", sorted(PUBLIC))
def test_all_lists_exactly_the_public_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert set(module.__all__) == PUBLIC[module_name]
    for name in module.__all__:
        assert getattr(module, name) is not None


def _is_private(module_name: str) -> bool:
    return any(part.startswith("_") for part in module_name.split(".")[1:])


def test_every_module_is_either_private_or_listed() -> None:
    """No third kind: a module path without an underscore is public and must be listed."""
    unlisted = [name for name in sdk_modules() if not _is_private(name) and name not in PUBLIC]
    assert unlisted == []


def test_no_public_name_lives_only_in_a_private_module() -> None:
    """Every public name is importable from a public module (the private one is where it is
    defined, not where hosts find it)."""
    for module_name, names in PUBLIC.items():
        module = importlib.import_module(module_name)
        for name in names:
            assert hasattr(module, name), f"{module_name}.{name}"


def test_package_faces_only_hand_names_on() -> None:
    """``__init__.py`` files import and list; definitions live in modules (the CLI's entry point
    is the one exception)."""
    root = Path(familyhubs_sdk.__file__).parent
    defining = []
    for init in root.rglob("__init__.py"):
        if "migrations" in init.parts or init.parent.name == "cli":
            continue
        tree = ast.parse(init.read_text("utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defining.append(f"{init.relative_to(root)}: {node.name}")
    assert defining == []


def test_version_is_a_version_string() -> None:
    assert re.match(r"^\d+\.\d+", familyhubs_sdk.__version__)


def test_package_ships_type_information() -> None:
    from importlib.resources import files

    assert (files("familyhubs_sdk") / "py.typed").is_file()


def test_walk_finds_the_private_modules_too() -> None:
    """The listing above is only meaningful if the walk sees every module."""
    names = {m.name for m in pkgutil.walk_packages(familyhubs_sdk.__path__, "familyhubs_sdk.")}
    assert "familyhubs_sdk.support.journey._flow" in names
