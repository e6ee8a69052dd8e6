"""The request-for-support journey: pages, drafts, save and come back later, the evidence step."""

from familyhubs_sdk.support.journey._build import build_flow as build_flow
from familyhubs_sdk.support.journey._build import default_tree as default_tree
from familyhubs_sdk.support.journey._drafts import DraftStore as DraftStore
from familyhubs_sdk.support.journey._drafts import InMemoryDraftStore as InMemoryDraftStore
from familyhubs_sdk.support.journey._drafts import SQLDraftStore as SQLDraftStore
from familyhubs_sdk.support.journey._flow import FormFlow as FormFlow
from familyhubs_sdk.support.journey._resume import RateLimit as RateLimit
from familyhubs_sdk.support.journey._resume import Resumed as Resumed
from familyhubs_sdk.support.journey._resume import ResumeTokens as ResumeTokens
from familyhubs_sdk.support.journey._resume import SlidingWindowRateLimit as SlidingWindowRateLimit
from familyhubs_sdk.support.journey._resume import purge_expired_drafts as purge_expired_drafts
from familyhubs_sdk.support.journey._web import CompleteResponse as CompleteResponse
from familyhubs_sdk.support.journey._web import FlowRequest as FlowRequest
from familyhubs_sdk.support.journey._web import RedirectResponse as RedirectResponse
from familyhubs_sdk.support.journey._web import RenderResponse as RenderResponse
from familyhubs_sdk.support.journey._web import UploadedFile as UploadedFile

__all__ = [
    "CompleteResponse",
    "DraftStore",
    "FlowRequest",
    "FormFlow",
    "InMemoryDraftStore",
    "RateLimit",
    "RedirectResponse",
    "RenderResponse",
    "ResumeTokens",
    "Resumed",
    "SQLDraftStore",
    "SlidingWindowRateLimit",
    "UploadedFile",
    "build_flow",
    "default_tree",
    "purge_expired_drafts",
]
