"""The receiving team's inbox: a request's lifecycle, triage (lists, filters, assignment,
internal notes), detail and status changes, and the hand-off of accepted requests."""

from familyhubs_sdk.support.inbox._export import ExportedRequest as ExportedRequest
from familyhubs_sdk.support.inbox._export import RequestExport as RequestExport
from familyhubs_sdk.support.inbox._export import accepted_requests as accepted_requests
from familyhubs_sdk.support.inbox._export import export_csv as export_csv
from familyhubs_sdk.support.inbox._export import export_json_schema as export_json_schema
from familyhubs_sdk.support.inbox._filters import InboxQuery as InboxQuery
from familyhubs_sdk.support.inbox._inbox import InboxPage as InboxPage
from familyhubs_sdk.support.inbox._inbox import InboxRow as InboxRow
from familyhubs_sdk.support.inbox._inbox import RequestInbox as RequestInbox
from familyhubs_sdk.support.inbox._inbox import request_subject as request_subject
from familyhubs_sdk.support.inbox._lifecycle import RequestRecord as RequestRecord
from familyhubs_sdk.support.inbox._lifecycle import RequestStatus as RequestStatus
from familyhubs_sdk.support.inbox._lifecycle import StatusChange as StatusChange
from familyhubs_sdk.support.inbox._lifecycle import allowed_moves as allowed_moves
from familyhubs_sdk.support.inbox._notes import Assignee as Assignee
from familyhubs_sdk.support.inbox._notes import Assignment as Assignment
from familyhubs_sdk.support.inbox._notes import InternalNote as InternalNote
from familyhubs_sdk.support.inbox._render import render_inbox_list as render_inbox_list
from familyhubs_sdk.support.inbox._render import render_request_detail as render_request_detail
from familyhubs_sdk.support.inbox._status_form import StatusChoice as StatusChoice
from familyhubs_sdk.support.inbox._status_form import read_status_form as read_status_form
from familyhubs_sdk.support.inbox._status_form import render_status_form as render_status_form
from familyhubs_sdk.support.inbox._triage import DEFAULT_FLAGS as DEFAULT_FLAGS
from familyhubs_sdk.support.inbox._triage import TriageFlag as TriageFlag
from familyhubs_sdk.support.inbox._triage import TriageRules as TriageRules
from familyhubs_sdk.support.inbox._triage import TriageSummary as TriageSummary
from familyhubs_sdk.support.inbox._triage import triage_summary as triage_summary
from familyhubs_sdk.support.inbox._triage_page import TriagePage as TriagePage
from familyhubs_sdk.support.inbox._triage_page import TriageRecord as TriageRecord
from familyhubs_sdk.support.inbox._triage_page import TriageRow as TriageRow
from familyhubs_sdk.support.inbox._triage_render import TriageChoice as TriageChoice
from familyhubs_sdk.support.inbox._triage_render import read_assign_form as read_assign_form
from familyhubs_sdk.support.inbox._triage_render import read_done as read_done
from familyhubs_sdk.support.inbox._triage_render import read_note_form as read_note_form
from familyhubs_sdk.support.inbox._triage_render import render_triage_detail as render_triage_detail
from familyhubs_sdk.support.inbox._triage_render import render_triage_list as render_triage_list
from familyhubs_sdk.support.inbox._triage_render import status_done as status_done

__all__ = [
    "DEFAULT_FLAGS",
    "Assignee",
    "Assignment",
    "ExportedRequest",
    "InboxPage",
    "InboxQuery",
    "InboxRow",
    "InternalNote",
    "RequestExport",
    "RequestInbox",
    "RequestRecord",
    "RequestStatus",
    "StatusChange",
    "StatusChoice",
    "TriageChoice",
    "TriageFlag",
    "TriagePage",
    "TriageRecord",
    "TriageRow",
    "TriageRules",
    "TriageSummary",
    "accepted_requests",
    "allowed_moves",
    "export_csv",
    "export_json_schema",
    "read_assign_form",
    "read_done",
    "read_note_form",
    "read_status_form",
    "render_inbox_list",
    "render_request_detail",
    "render_status_form",
    "render_triage_detail",
    "render_triage_list",
    "request_subject",
    "status_done",
    "triage_summary",
]
