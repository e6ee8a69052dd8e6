"""The request-for-support journey: pages, drafts, save and come back later, the evidence step."""

from familyhubs_sdk.support.journey._build import build_flow as build_flow
from familyhubs_sdk.support.journey._build import default_tree as default_tree
from familyhubs_sdk.support.journey._drafts import DraftStore as DraftStore
from familyhubs_sdk.support.journey._drafts import InMemoryDraftStore as InMemoryDraftStore
from familyhubs_sdk.support.journey._drafts import SQLDraftStore as SQLDraftStore
from familyhubs_sdk.support.journey._flow import FormFlow as FormFlow
from familyhubs_sdk.support.journey._limits import RedisRateLimit as RedisRateLimit
from familyhubs_sdk.support.journey._limits import StoreRateLimit as StoreRateLimit
from familyhubs_sdk.support.journey._options import JourneyOptions as JourneyOptions
from familyhubs_sdk.support.journey._resume import RateLimit as RateLimit
from familyhubs_sdk.support.journey._resume import Resumed as Resumed
from familyhubs_sdk.support.journey._resume import ResumeTokens as ResumeTokens
from familyhubs_sdk.support.journey._resume import SlidingWindowRateLimit as SlidingWindowRateLimit
from familyhubs_sdk.support.journey._resume import purge_expired_drafts as purge_expired_drafts
from familyhubs_sdk.support.journey._resume_link import ResumeLinkSender as ResumeLinkSender
from familyhubs_sdk.web import UploadedFile as UploadedFile
from familyhubs_sdk.web import WebRequest as WebRequest
from familyhubs_sdk.web import WebResponse as WebResponse

__all__ = [
    "DraftStore",
    "FormFlow",
    "InMemoryDraftStore",
    "JourneyOptions",
    "RateLimit",
    "RedisRateLimit",
    "ResumeLinkSender",
    "ResumeTokens",
    "Resumed",
    "SQLDraftStore",
    "SlidingWindowRateLimit",
    "StoreRateLimit",
    "UploadedFile",
    "WebRequest",
    "WebResponse",
    "build_flow",
    "default_tree",
    "purge_expired_drafts",
]
