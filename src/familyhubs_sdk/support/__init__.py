"""Connect a family to support: the request-for-support journey.

>>> flow = build_flow(load_settings(data_dir="/tmp/fh-doc"), csrf_exempt=True)  # doctest: +SKIP
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy.engine import Engine

from familyhubs_sdk.config import Settings
from familyhubs_sdk.questiontree import QuestionTree, load_tree
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.support.analytics import AnalyticsEvent as AnalyticsEvent
from familyhubs_sdk.support.analytics import AnalyticsRecorder as AnalyticsRecorder
from familyhubs_sdk.support.analytics import AnalyticsSink as AnalyticsSink
from familyhubs_sdk.support.analytics import InMemoryAnalytics as InMemoryAnalytics
from familyhubs_sdk.support.analytics import load_events as load_events
from familyhubs_sdk.support.analytics import new_journey_key as new_journey_key
from familyhubs_sdk.support.analytics_report import FormReport as FormReport
from familyhubs_sdk.support.analytics_report import build_report as build_report
from familyhubs_sdk.support.analytics_report import render_report as render_report
from familyhubs_sdk.support.analytics_report import report_csv as report_csv
from familyhubs_sdk.support.composer import RequestComposer as RequestComposer
from familyhubs_sdk.support.draft_store import DraftStore as DraftStore
from familyhubs_sdk.support.draft_store import InMemoryDraftStore as InMemoryDraftStore
from familyhubs_sdk.support.draft_store import SQLDraftStore as SQLDraftStore
from familyhubs_sdk.support.evidence import CheckedFile as CheckedFile
from familyhubs_sdk.support.evidence import EvidenceRules as EvidenceRules
from familyhubs_sdk.support.evidence import check_upload as check_upload
from familyhubs_sdk.support.evidence_scanners import ClamAVScanner as ClamAVScanner
from familyhubs_sdk.support.evidence_scanners import EvidenceScanner as EvidenceScanner
from familyhubs_sdk.support.evidence_scanners import NoScanner as NoScanner
from familyhubs_sdk.support.evidence_scanners import ScanResult as ScanResult
from familyhubs_sdk.support.evidence_store import DatabaseEvidenceStorage as DatabaseEvidenceStorage
from familyhubs_sdk.support.evidence_store import EvidenceStorage as EvidenceStorage
from familyhubs_sdk.support.evidence_store import (
    FilesystemEvidenceStorage as FilesystemEvidenceStorage,
)
from familyhubs_sdk.support.evidence_store import InMemoryEvidenceStorage as InMemoryEvidenceStorage
from familyhubs_sdk.support.evidence_uploads import EvidenceIndex as EvidenceIndex
from familyhubs_sdk.support.evidence_uploads import EvidenceRecord as EvidenceRecord
from familyhubs_sdk.support.evidence_uploads import EvidenceUploads as EvidenceUploads
from familyhubs_sdk.support.evidence_uploads import InMemoryEvidenceIndex as InMemoryEvidenceIndex
from familyhubs_sdk.support.evidence_uploads import SQLEvidenceIndex as SQLEvidenceIndex
from familyhubs_sdk.support.flow import FormFlow as FormFlow
from familyhubs_sdk.support.inbox import InboxPage as InboxPage
from familyhubs_sdk.support.inbox import InboxRow as InboxRow
from familyhubs_sdk.support.inbox import RequestInbox as RequestInbox
from familyhubs_sdk.support.inbox_render import InboxQuery as InboxQuery
from familyhubs_sdk.support.inbox_render import render_inbox_list as render_inbox_list
from familyhubs_sdk.support.inbox_render import render_request_detail as render_request_detail
from familyhubs_sdk.support.lifecycle import RequestRecord as RequestRecord
from familyhubs_sdk.support.lifecycle import RequestStatus as RequestStatus
from familyhubs_sdk.support.lifecycle import StatusChange as StatusChange
from familyhubs_sdk.support.lifecycle import allowed_moves as allowed_moves
from familyhubs_sdk.support.request import EvidenceSummary as EvidenceSummary
from familyhubs_sdk.support.request import RequestAnswer as RequestAnswer
from familyhubs_sdk.support.request import RequestOutcome as RequestOutcome
from familyhubs_sdk.support.request import SupportRequest as SupportRequest
from familyhubs_sdk.support.request import render_request_html as render_request_html
from familyhubs_sdk.support.request import request_json_schema as request_json_schema
from familyhubs_sdk.support.request import request_text as request_text
from familyhubs_sdk.support.request import snapshot as snapshot
from familyhubs_sdk.support.request_insights import RequestInsights as RequestInsights
from familyhubs_sdk.support.request_insights import render_insights as render_insights
from familyhubs_sdk.support.request_insights import request_insights as request_insights
from familyhubs_sdk.support.resume import RateLimit as RateLimit
from familyhubs_sdk.support.resume import Resumed as Resumed
from familyhubs_sdk.support.resume import ResumeTokens as ResumeTokens
from familyhubs_sdk.support.resume import SlidingWindowRateLimit as SlidingWindowRateLimit
from familyhubs_sdk.support.resume import purge_expired_drafts as purge_expired_drafts
from familyhubs_sdk.support.status_form import StatusChoice as StatusChoice
from familyhubs_sdk.support.status_form import read_status_form as read_status_form
from familyhubs_sdk.support.status_form import render_status_form as render_status_form
from familyhubs_sdk.support.submission import StoreSubmitter as StoreSubmitter
from familyhubs_sdk.support.submission import Submitter as Submitter
from familyhubs_sdk.support.submission import load_request as load_request
from familyhubs_sdk.support.submission import new_reference as new_reference
from familyhubs_sdk.support.web import CompleteResponse as CompleteResponse
from familyhubs_sdk.support.web import FlowRequest as FlowRequest
from familyhubs_sdk.support.web import RedirectResponse as RedirectResponse
from familyhubs_sdk.support.web import RenderResponse as RenderResponse
from familyhubs_sdk.support.web import UploadedFile as UploadedFile

__all__ = [
    "AnalyticsEvent",
    "AnalyticsRecorder",
    "AnalyticsSink",
    "CheckedFile",
    "ClamAVScanner",
    "CompleteResponse",
    "DatabaseEvidenceStorage",
    "DraftStore",
    "EvidenceIndex",
    "EvidenceRecord",
    "EvidenceRules",
    "EvidenceScanner",
    "EvidenceStorage",
    "EvidenceSummary",
    "EvidenceUploads",
    "FilesystemEvidenceStorage",
    "FlowRequest",
    "FormFlow",
    "FormReport",
    "InMemoryAnalytics",
    "InMemoryDraftStore",
    "InMemoryEvidenceIndex",
    "InMemoryEvidenceStorage",
    "InboxPage",
    "InboxQuery",
    "InboxRow",
    "NoScanner",
    "RateLimit",
    "RedirectResponse",
    "RenderResponse",
    "RequestAnswer",
    "RequestComposer",
    "RequestInbox",
    "RequestInsights",
    "RequestOutcome",
    "RequestRecord",
    "RequestStatus",
    "ResumeTokens",
    "Resumed",
    "SQLDraftStore",
    "SQLEvidenceIndex",
    "ScanResult",
    "SlidingWindowRateLimit",
    "StatusChange",
    "StatusChoice",
    "StoreSubmitter",
    "Submitter",
    "SupportRequest",
    "UploadedFile",
    "allowed_moves",
    "build_flow",
    "build_report",
    "check_upload",
    "default_tree",
    "load_events",
    "load_request",
    "new_journey_key",
    "new_reference",
    "purge_expired_drafts",
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
    "snapshot",
]


@cache
def default_tree() -> QuestionTree:
    """The shipped request-for-support tree (``support/trees/request_for_support.yaml``)."""
    text = (files("familyhubs_sdk.support") / "trees" / "request_for_support.yaml").read_text(
        "utf-8"
    )
    return load_tree(text)


def build_flow(
    settings: Settings,
    *,
    engine: Engine | None = None,
    tree: QuestionTree | None = None,
    **options: Any,
) -> FormFlow:
    """A :class:`FormFlow` on the SDK's store (run ``familyhubs db upgrade`` first).

    ``options`` go to :class:`FormFlow` (``csrf_field``, ``csrf_exempt``, ``referrer_id``...).
    "Save and come back later" is on, with resume links limited to 20 tries per client in 15
    minutes (in this process; pass ``resume=`` with a shared limit when running several), and
    form-use analytics are written to the store (``analytics=None`` turns them off).
    """
    engine = engine or create_engine(settings.database_url_value())
    options.setdefault("front_door_phone", settings.front_door_phone)
    options.setdefault("analytics", AnalyticsRecorder(engine))
    options.setdefault(
        "resume",
        ResumeTokens(engine, rate_limit=SlidingWindowRateLimit(20, per=timedelta(minutes=15))),
    )
    return FormFlow(
        tree or default_tree(), SQLDraftStore(engine), StoreSubmitter(engine), **options
    )
