"""Connect a family to support: the request-for-support journey, the requests it sends, the
receiving team's inbox, supporting evidence and form-use analytics.

Each part is a sub-package (``journey``, ``requests``, ``evidence``, ``inbox``, ``analytics``);
this package hands their names on, so ``from familyhubs_sdk.support import FormFlow`` works.
"""

from familyhubs_sdk.support.analytics import AnalyticsEvent as AnalyticsEvent
from familyhubs_sdk.support.analytics import AnalyticsRecorder as AnalyticsRecorder
from familyhubs_sdk.support.analytics import AnalyticsSink as AnalyticsSink
from familyhubs_sdk.support.analytics import FormReport as FormReport
from familyhubs_sdk.support.analytics import InMemoryAnalytics as InMemoryAnalytics
from familyhubs_sdk.support.analytics import RequestInsights as RequestInsights
from familyhubs_sdk.support.analytics import build_report as build_report
from familyhubs_sdk.support.analytics import load_events as load_events
from familyhubs_sdk.support.analytics import new_journey_key as new_journey_key
from familyhubs_sdk.support.analytics import render_insights as render_insights
from familyhubs_sdk.support.analytics import render_report as render_report
from familyhubs_sdk.support.analytics import report_csv as report_csv
from familyhubs_sdk.support.analytics import request_insights as request_insights
from familyhubs_sdk.support.evidence import CheckedFile as CheckedFile
from familyhubs_sdk.support.evidence import ClamAVScanner as ClamAVScanner
from familyhubs_sdk.support.evidence import DatabaseEvidenceStorage as DatabaseEvidenceStorage
from familyhubs_sdk.support.evidence import EvidenceIndex as EvidenceIndex
from familyhubs_sdk.support.evidence import EvidenceRecord as EvidenceRecord
from familyhubs_sdk.support.evidence import EvidenceRules as EvidenceRules
from familyhubs_sdk.support.evidence import EvidenceScanner as EvidenceScanner
from familyhubs_sdk.support.evidence import EvidenceStorage as EvidenceStorage
from familyhubs_sdk.support.evidence import EvidenceUploads as EvidenceUploads
from familyhubs_sdk.support.evidence import FilesystemEvidenceStorage as FilesystemEvidenceStorage
from familyhubs_sdk.support.evidence import InMemoryEvidenceIndex as InMemoryEvidenceIndex
from familyhubs_sdk.support.evidence import InMemoryEvidenceStorage as InMemoryEvidenceStorage
from familyhubs_sdk.support.evidence import NoScanner as NoScanner
from familyhubs_sdk.support.evidence import ScanResult as ScanResult
from familyhubs_sdk.support.evidence import SQLEvidenceIndex as SQLEvidenceIndex
from familyhubs_sdk.support.evidence import validate_upload as validate_upload
from familyhubs_sdk.support.inbox import InboxPage as InboxPage
from familyhubs_sdk.support.inbox import InboxQuery as InboxQuery
from familyhubs_sdk.support.inbox import InboxRow as InboxRow
from familyhubs_sdk.support.inbox import RequestInbox as RequestInbox
from familyhubs_sdk.support.inbox import RequestRecord as RequestRecord
from familyhubs_sdk.support.inbox import RequestStatus as RequestStatus
from familyhubs_sdk.support.inbox import StatusChange as StatusChange
from familyhubs_sdk.support.inbox import StatusChoice as StatusChoice
from familyhubs_sdk.support.inbox import allowed_moves as allowed_moves
from familyhubs_sdk.support.inbox import read_status_form as read_status_form
from familyhubs_sdk.support.inbox import render_inbox_list as render_inbox_list
from familyhubs_sdk.support.inbox import render_request_detail as render_request_detail
from familyhubs_sdk.support.inbox import render_status_form as render_status_form
from familyhubs_sdk.support.journey import DraftStore as DraftStore
from familyhubs_sdk.support.journey import FormFlow as FormFlow
from familyhubs_sdk.support.journey import InMemoryDraftStore as InMemoryDraftStore
from familyhubs_sdk.support.journey import JourneyOptions as JourneyOptions
from familyhubs_sdk.support.journey import RateLimit as RateLimit
from familyhubs_sdk.support.journey import RedisRateLimit as RedisRateLimit
from familyhubs_sdk.support.journey import Resumed as Resumed
from familyhubs_sdk.support.journey import ResumeLinkSender as ResumeLinkSender
from familyhubs_sdk.support.journey import ResumeTokens as ResumeTokens
from familyhubs_sdk.support.journey import SlidingWindowRateLimit as SlidingWindowRateLimit
from familyhubs_sdk.support.journey import SQLDraftStore as SQLDraftStore
from familyhubs_sdk.support.journey import StoreRateLimit as StoreRateLimit
from familyhubs_sdk.support.journey import UploadedFile as UploadedFile
from familyhubs_sdk.support.journey import WebRequest as WebRequest
from familyhubs_sdk.support.journey import WebResponse as WebResponse
from familyhubs_sdk.support.journey import build_flow as build_flow
from familyhubs_sdk.support.journey import default_tree as default_tree
from familyhubs_sdk.support.journey import purge_expired_drafts as purge_expired_drafts
from familyhubs_sdk.support.requests import EvidenceSummary as EvidenceSummary
from familyhubs_sdk.support.requests import RequestAnswer as RequestAnswer
from familyhubs_sdk.support.requests import RequestComposer as RequestComposer
from familyhubs_sdk.support.requests import RequestOutcome as RequestOutcome
from familyhubs_sdk.support.requests import StoreSubmitter as StoreSubmitter
from familyhubs_sdk.support.requests import Submitter as Submitter
from familyhubs_sdk.support.requests import SupportRequest as SupportRequest
from familyhubs_sdk.support.requests import load_request as load_request
from familyhubs_sdk.support.requests import new_reference as new_reference
from familyhubs_sdk.support.requests import render_request_html as render_request_html
from familyhubs_sdk.support.requests import request_json_schema as request_json_schema
from familyhubs_sdk.support.requests import request_text as request_text
from familyhubs_sdk.support.requests import snapshot as snapshot

__all__ = [
    "AnalyticsEvent",
    "AnalyticsRecorder",
    "AnalyticsSink",
    "CheckedFile",
    "ClamAVScanner",
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
    "FormFlow",
    "FormReport",
    "InMemoryAnalytics",
    "InMemoryDraftStore",
    "InMemoryEvidenceIndex",
    "InMemoryEvidenceStorage",
    "InboxPage",
    "InboxQuery",
    "InboxRow",
    "JourneyOptions",
    "NoScanner",
    "RateLimit",
    "RedisRateLimit",
    "RequestAnswer",
    "RequestComposer",
    "RequestInbox",
    "RequestInsights",
    "RequestOutcome",
    "RequestRecord",
    "RequestStatus",
    "ResumeLinkSender",
    "ResumeTokens",
    "Resumed",
    "SQLDraftStore",
    "SQLEvidenceIndex",
    "ScanResult",
    "SlidingWindowRateLimit",
    "StatusChange",
    "StatusChoice",
    "StoreRateLimit",
    "StoreSubmitter",
    "Submitter",
    "SupportRequest",
    "UploadedFile",
    "WebRequest",
    "WebResponse",
    "allowed_moves",
    "build_flow",
    "build_report",
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
    "validate_upload",
]
