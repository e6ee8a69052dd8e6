"""Requests for support: the immutable snapshot, its submission and its renderings."""

from familyhubs_sdk.support.requests._composer import RequestComposer as RequestComposer
from familyhubs_sdk.support.requests._request import EvidenceSummary as EvidenceSummary
from familyhubs_sdk.support.requests._request import RequestAnswer as RequestAnswer
from familyhubs_sdk.support.requests._request import RequestOutcome as RequestOutcome
from familyhubs_sdk.support.requests._request import SupportRequest as SupportRequest
from familyhubs_sdk.support.requests._request import render_request_html as render_request_html
from familyhubs_sdk.support.requests._request import request_json_schema as request_json_schema
from familyhubs_sdk.support.requests._request import request_text as request_text
from familyhubs_sdk.support.requests._request import snapshot as snapshot
from familyhubs_sdk.support.requests._submission import StoreSubmitter as StoreSubmitter
from familyhubs_sdk.support.requests._submission import Submitter as Submitter
from familyhubs_sdk.support.requests._submission import load_request as load_request
from familyhubs_sdk.support.requests._submission import new_reference as new_reference

__all__ = [
    "EvidenceSummary",
    "RequestAnswer",
    "RequestComposer",
    "RequestOutcome",
    "StoreSubmitter",
    "Submitter",
    "SupportRequest",
    "load_request",
    "new_reference",
    "render_request_html",
    "request_json_schema",
    "request_text",
    "snapshot",
]
