"""Connecting professionals: who has worked with a child, when, and how to reach them."""

from familyhubs_sdk.timeline._audit import AuditAction as AuditAction
from familyhubs_sdk.timeline._audit import AuditEvent as AuditEvent
from familyhubs_sdk.timeline._audit import AuditLog as AuditLog
from familyhubs_sdk.timeline._audit import AuditOutcome as AuditOutcome
from familyhubs_sdk.timeline._directory import DirectoryNamespace as DirectoryNamespace
from familyhubs_sdk.timeline._directory import ProfessionalDirectory as ProfessionalDirectory
from familyhubs_sdk.timeline._display import ContactCard as ContactCard
from familyhubs_sdk.timeline._display import ContactPoint as ContactPoint
from familyhubs_sdk.timeline._display import FamilyMember as FamilyMember
from familyhubs_sdk.timeline._display import PersonHeader as PersonHeader
from familyhubs_sdk.timeline._display import SearchResult as SearchResult
from familyhubs_sdk.timeline._display import SourceNotice as SourceNotice
from familyhubs_sdk.timeline._display import SourceState as SourceState
from familyhubs_sdk.timeline._display import TimelineEntry as TimelineEntry
from familyhubs_sdk.timeline._display import TimelineFilters as TimelineFilters
from familyhubs_sdk.timeline._display import TimelinePage as TimelinePage
from familyhubs_sdk.timeline._identity import MASTER_ID as MASTER_ID
from familyhubs_sdk.timeline._identity import AcceptedLink as AcceptedLink
from familyhubs_sdk.timeline._identity import DeterministicResolver as DeterministicResolver
from familyhubs_sdk.timeline._identity import IdentityResolver as IdentityResolver
from familyhubs_sdk.timeline._identity import LinkProposal as LinkProposal
from familyhubs_sdk.timeline._identity import ProbabilisticLinker as ProbabilisticLinker
from familyhubs_sdk.timeline._identity import ResolvedSubject as ResolvedSubject
from familyhubs_sdk.timeline._identity import accept_proposals as accept_proposals
from familyhubs_sdk.timeline._identity import keys_by_source as keys_by_source
from familyhubs_sdk.timeline._identity import link_people as link_people
from familyhubs_sdk.timeline._link_review import render_link_review as render_link_review
from familyhubs_sdk.timeline._links import LinkStatus as LinkStatus
from familyhubs_sdk.timeline._links import LinkStore as LinkStore
from familyhubs_sdk.timeline._links import ReviewedLink as ReviewedLink
from familyhubs_sdk.timeline._policy import AccessDecision as AccessDecision
from familyhubs_sdk.timeline._policy import AccessPolicy as AccessPolicy
from familyhubs_sdk.timeline._policy import AccessRules as AccessRules
from familyhubs_sdk.timeline._policy import DutyContact as DutyContact
from familyhubs_sdk.timeline._policy import RoleRule as RoleRule
from familyhubs_sdk.timeline._policy import SourceRule as SourceRule
from familyhubs_sdk.timeline._render import render_access_denied as render_access_denied
from familyhubs_sdk.timeline._render import render_contacts as render_contacts
from familyhubs_sdk.timeline._render import render_contacts_page as render_contacts_page
from familyhubs_sdk.timeline._render import render_family as render_family
from familyhubs_sdk.timeline._render import render_reason_form as render_reason_form
from familyhubs_sdk.timeline._render import render_search_form as render_search_form
from familyhubs_sdk.timeline._render import render_search_results as render_search_results
from familyhubs_sdk.timeline._render import render_timeline_page as render_timeline_page
from familyhubs_sdk.timeline._render import render_viewed_by as render_viewed_by
from familyhubs_sdk.timeline._render import timeline_csv as timeline_csv
from familyhubs_sdk.timeline._review import REVIEW_OUTCOMES as REVIEW_OUTCOMES
from familyhubs_sdk.timeline._review import AccessReviewItem as AccessReviewItem
from familyhubs_sdk.timeline._review import AccessReviews as AccessReviews
from familyhubs_sdk.timeline._screens import TimelineScreens as TimelineScreens
from familyhubs_sdk.timeline._service import AccessReason as AccessReason
from familyhubs_sdk.timeline._service import SearchQuery as SearchQuery
from familyhubs_sdk.timeline._service import Timeline as Timeline
from familyhubs_sdk.timeline._service import TimelineService as TimelineService
from familyhubs_sdk.timeline._service import ViewedBy as ViewedBy
from familyhubs_sdk.timeline._splink import SplinkLinker as SplinkLinker
from familyhubs_sdk.web._viewer import Viewer as Viewer

__all__ = [
    "MASTER_ID",
    "REVIEW_OUTCOMES",
    "AcceptedLink",
    "AccessDecision",
    "AccessPolicy",
    "AccessReason",
    "AccessReviewItem",
    "AccessReviews",
    "AccessRules",
    "AuditAction",
    "AuditEvent",
    "AuditLog",
    "AuditOutcome",
    "ContactCard",
    "ContactPoint",
    "DeterministicResolver",
    "DirectoryNamespace",
    "DutyContact",
    "FamilyMember",
    "IdentityResolver",
    "LinkProposal",
    "LinkStatus",
    "LinkStore",
    "PersonHeader",
    "ProbabilisticLinker",
    "ProfessionalDirectory",
    "ResolvedSubject",
    "ReviewedLink",
    "RoleRule",
    "SearchQuery",
    "SearchResult",
    "SourceNotice",
    "SourceRule",
    "SourceState",
    "SplinkLinker",
    "Timeline",
    "TimelineEntry",
    "TimelineFilters",
    "TimelinePage",
    "TimelineScreens",
    "TimelineService",
    "ViewedBy",
    "Viewer",
    "accept_proposals",
    "keys_by_source",
    "link_people",
    "render_access_denied",
    "render_contacts",
    "render_contacts_page",
    "render_family",
    "render_link_review",
    "render_reason_form",
    "render_search_form",
    "render_search_results",
    "render_timeline_page",
    "render_viewed_by",
    "timeline_csv",
]
