"""The receiving team's inbox: a request's lifecycle, lists, detail and status changes."""

from familyhubs_sdk.support.inbox._inbox import InboxPage as InboxPage
from familyhubs_sdk.support.inbox._inbox import InboxRow as InboxRow
from familyhubs_sdk.support.inbox._inbox import RequestInbox as RequestInbox
from familyhubs_sdk.support.inbox._lifecycle import RequestRecord as RequestRecord
from familyhubs_sdk.support.inbox._lifecycle import RequestStatus as RequestStatus
from familyhubs_sdk.support.inbox._lifecycle import StatusChange as StatusChange
from familyhubs_sdk.support.inbox._lifecycle import allowed_moves as allowed_moves
from familyhubs_sdk.support.inbox._render import InboxQuery as InboxQuery
from familyhubs_sdk.support.inbox._render import render_inbox_list as render_inbox_list
from familyhubs_sdk.support.inbox._render import render_request_detail as render_request_detail
from familyhubs_sdk.support.inbox._status_form import StatusChoice as StatusChoice
from familyhubs_sdk.support.inbox._status_form import read_status_form as read_status_form
from familyhubs_sdk.support.inbox._status_form import render_status_form as render_status_form

__all__ = [
    "InboxPage",
    "InboxQuery",
    "InboxRow",
    "RequestInbox",
    "RequestRecord",
    "RequestStatus",
    "StatusChange",
    "StatusChoice",
    "allowed_moves",
    "read_status_form",
    "render_inbox_list",
    "render_request_detail",
    "render_status_form",
]
