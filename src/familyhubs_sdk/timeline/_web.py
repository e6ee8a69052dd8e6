"""The timeline screens as framework-neutral HTTP handling: search → reason → timeline, contacts
and family.

A host adapter (Flask, Django, FastAPI or your own) turns its request into a
:class:`ScreenRequest` — with the signed-in :class:`Viewer` and the reasons for access already
given this session — calls :meth:`TimelineScreens.handle`, and answers with the
:class:`ScreenResponse`: a page to put in its layout, or a redirect. When the response has
``remember`` set, the host keeps that reason in its session for that record.

Routes, below where the screens are mounted:

=============================  ====================================================================
``""``                         GET: the search form. POST: search (names never reach a URL).
``record/<id>/reason``         GET/POST: why the viewer needs the record, asked before any of it.
``record/<id>``                GET: the timeline, with filters as GET parameters.
``record/<id>/contacts``       GET: who to contact.
``record/<id>/family``         GET: the family.
=============================  ====================================================================

``<id>`` is the subject's master id: a hash of source keys, never a name or identifier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.timeline._display import SearchResult, TimelineFilters
from familyhubs_sdk.timeline._render import (
    SEARCH_FIELDS,
    render_access_denied,
    render_contacts_page,
    render_family,
    render_reason_form,
    render_search_form,
    render_search_results,
    render_timeline_page,
)
from familyhubs_sdk.timeline._service import AccessReason, SearchQuery, Timeline, TimelineService
from familyhubs_sdk.views._identifiers import is_valid_nhs_number, is_valid_upn
from familyhubs_sdk.views._vocab import EVENT_KINDS
from familyhubs_sdk.web._viewer import Viewer

__all__ = [
    "DEFAULT_REASONS",
    "ScreenRequest",
    "ScreenResponse",
    "TimelineScreens",
    "parse_filters",
]

#: Reasons for access a viewer can choose from: (code, text). Codes go to the audit.
DEFAULT_REASONS: tuple[tuple[str, str], ...] = (
    ("early_help", "I am giving the family early help support"),
    ("assessment", "I am assessing the child's or family's needs"),
    ("safeguarding", "I have a safeguarding concern about the child"),
    ("care_planning", "I am planning care or a meeting about the child"),
    ("health_care", "I am giving the child health care"),
    ("education", "I am supporting the child's education"),
)

_SUBJECT = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PERIODS = frozenset({"6m", "1y", "5y", "all", "custom"})
_VIEWS = {"": "timeline", "contacts": "contacts", "family": "family"}
_TITLES = {"timeline": "timeline", "contacts": "who to contact", "family": "family"}


@dataclass(frozen=True, slots=True)
class ScreenRequest:
    """What the timeline screens need from an HTTP request.

    :param viewer: the signed-in professional, from the host's own sign-in.
    :param reasons: the reasons for access this viewer gave this session, by subject id (what
        the host kept from earlier responses' ``remember``).
    :param csrf_token: the host's CSRF token, written into every form; the host checks it on POST.
    :param request_id: the host's request id, to join audit rows with its own logs.
    """

    method: str
    viewer: Viewer
    path: str = ""
    base_path: str = ""
    form: Mapping[str, Sequence[str]] = field(default_factory=dict)
    query: Mapping[str, Sequence[str]] = field(default_factory=dict)
    csrf_token: str | None = None
    reasons: Mapping[str, AccessReason] = field(default_factory=dict)
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class ScreenResponse:
    """A page (``html`` titled ``title``, with ``status``) or, when ``location`` is set, a
    303 redirect. ``remember`` is a reason the host keeps in its session for that subject."""

    html: Markup = field(default_factory=Markup)
    title: str = ""
    status: int = 200
    location: str | None = None
    remember: tuple[str, AccessReason] | None = None

    @classmethod
    def redirect(
        cls, location: str, remember: tuple[str, AccessReason] | None = None
    ) -> ScreenResponse:
        return cls(status=303, location=location, remember=remember)


def _first(values: Mapping[str, Sequence[str]], name: str) -> str:
    given = values.get(name) or ()
    return given[0].strip() if given else ""


def _date(values: Mapping[str, Sequence[str]], prefix: str) -> date | None:
    try:
        return date(
            int(_first(values, f"{prefix}-year")),
            int(_first(values, f"{prefix}-month")),
            int(_first(values, f"{prefix}-day")),
        )
    except ValueError:
        return None


def parse_filters(query: Mapping[str, Sequence[str]]) -> TimelineFilters:
    """The timeline filters from the filter form's GET parameters. Unknown kinds and periods,
    and dates that are not dates, are ignored: a hand-edited URL shows the whole timeline."""
    period = _first(query, "period") or "all"
    custom = period == "custom"
    return TimelineFilters(
        kinds=frozenset(k for k in query.get("kind", ()) if k in EVENT_KINDS),
        period=period if period in _PERIODS else "all",
        date_from=_date(query, "from") if custom else None,
        date_to=_date(query, "to") if custom else None,
        significant_only=_first(query, "significant") == "1",
    )


class TimelineScreens:
    """Serves the timeline screens of one :class:`TimelineService`.

    :param reasons: the reasons for access to offer, ``(code, text)``.
    :param csrf_field: the form field the host's CSRF protection reads.
    :param csrf_exempt: render forms without a CSRF token; only for hosts that protect POSTs
        another way. The default refuses.
    """

    def __init__(
        self,
        service: TimelineService,
        *,
        renderer: Renderer | None = None,
        reasons: Sequence[tuple[str, str]] = DEFAULT_REASONS,
        csrf_field: str = "csrf_token",
        csrf_exempt: bool = False,
    ) -> None:
        if not reasons:
            raise ConfigurationError("TimelineScreens needs at least one reason for access")
        self.service = service
        self.renderer = renderer or Renderer()
        self.reasons = tuple(reasons)
        self.csrf_field = csrf_field
        self.csrf_exempt = csrf_exempt

    def handle(self, request: ScreenRequest) -> ScreenResponse:
        """Answer one HTTP request for the timeline screens."""
        if request.method not in ("GET", "POST"):
            return self._message("Method not allowed", "This page accepts GET and POST.", 405)
        base = request.base_path.rstrip("/")
        parts = request.path.strip("/").split("/") if request.path.strip("/") else []
        if not parts:
            return self._search(request, base)
        if parts[0] != "record" or len(parts) not in (2, 3) or not _SUBJECT.fullmatch(parts[1]):
            return self._message("Page not found", "Check the address, or search again.", 404)
        subject_id, rest = parts[1], (parts[2] if len(parts) == 3 else "")
        if rest == "reason":
            return self._reason(request, base, subject_id)
        view = _VIEWS.get(rest)
        if view is None or request.method != "GET":
            return self._message("Page not found", "Check the address, or search again.", 404)
        reason = request.reasons.get(subject_id)
        if reason is None:
            return ScreenResponse.redirect(f"{base}/record/{subject_id}/reason")
        return self._record(request, base, subject_id, view, reason)

    # -- search ------------------------------------------------------------------------------

    def _search(self, request: ScreenRequest, base: str) -> ScreenResponse:
        token = self._csrf(request)
        if request.method == "GET":
            html = render_search_form(
                action=f"{base}/", csrf_token=token, csrf_field=self.csrf_field,
                renderer=self.renderer,
            )  # fmt: skip
            return ScreenResponse(html, "Find a child")
        form = request.form
        by = _first(form, "by")
        # The date parts post as birth-day, birth-month, birth-year (GOV.UK date input names).
        values = {
            name: _first(form, name.replace("birth_", "birth-"))[:100] for name in SEARCH_FIELDS
        }
        query, errors = _search_query(by, values)
        html = render_search_form(
            action=f"{base}/", csrf_token=token, csrf_field=self.csrf_field, by=by or None,
            values=values, errors=errors, renderer=self.renderer,
        )  # fmt: skip
        if query is None:
            return ScreenResponse(html, "Error: Find a child", 400)
        results = self.service.search(request.viewer, query, request_id=request.request_id)
        html += render_search_results(
            results, record_href=lambda r: self._record_href(base, r, request),
            renderer=self.renderer,
        )  # fmt: skip
        return ScreenResponse(html, "Find a child – results")

    def _record_href(self, base: str, result: SearchResult, request: ScreenRequest) -> str:
        if result.subject_id in request.reasons:
            return f"{base}/record/{result.subject_id}"
        return f"{base}/record/{result.subject_id}/reason"

    # -- reason for access -------------------------------------------------------------------

    def _reason(self, request: ScreenRequest, base: str, subject_id: str) -> ScreenResponse:
        token = self._csrf(request)
        chosen = _first(request.form, "reason") if request.method == "POST" else ""
        justification = _first(request.form, "justification")[:500]
        rule = self.service.policy.rules.roles.get(request.viewer.role)
        allow_break_glass = bool(rule and rule.may_break_glass)
        errors: list[dict[str, str]] = []
        if request.method == "POST":
            codes = {code for code, _ in self.reasons}
            if chosen not in codes:
                errors.append({"text": "Select why you need to see the record", "href": "#reason"})
            else:
                reason = AccessReason(
                    reason=chosen,
                    break_glass_justification=(
                        justification if allow_break_glass and justification else None
                    ),
                )
                return ScreenResponse.redirect(
                    f"{base}/record/{subject_id}", remember=(subject_id, reason)
                )
        html = render_reason_form(
            action=f"{base}/record/{subject_id}/reason", csrf_token=token,
            csrf_field=self.csrf_field, subject_label="this child", reasons=self.reasons,
            chosen=chosen or None, allow_break_glass=allow_break_glass,
            justification=justification, errors=errors, renderer=self.renderer,
        )  # fmt: skip
        title = "Why do you need to see this record?"
        return ScreenResponse(html, f"Error: {title}" if errors else title, 400 if errors else 200)

    # -- the record ---------------------------------------------------------------------------

    def _record(
        self, request: ScreenRequest, base: str, subject_id: str, view: str, reason: AccessReason
    ) -> ScreenResponse:
        viewer, request_id = request.viewer, request.request_id
        result: Timeline
        if view == "timeline":
            result = self.service.timeline(
                viewer, subject_id, reason, filters=parse_filters(request.query),
                request_id=request_id,
            )  # fmt: skip
        elif view == "contacts":
            result = self.service.contacts(viewer, subject_id, reason, request_id=request_id)
        else:
            result = self.service.family(viewer, subject_id, reason, request_id=request_id)
        if not result.allowed or result.page is None:
            code = result.decision.reason
            html = render_access_denied(code, renderer=self.renderer)
            if code in ("no_relationship", "justification_required"):
                html += Markup(
                    '<p class="govuk-body"><a class="govuk-link" href="{}">Give a different '
                    "reason</a></p>"
                ).format(f"{base}/record/{subject_id}/reason")
            return ScreenResponse(html, _DENIED, 404 if code == "unknown_subject" else 403)
        page = result.page
        record = f"{base}/record/{subject_id}"
        nav = [
            (record, "Timeline", view == "timeline"),
            (f"{record}/contacts", "Who to contact", view == "contacts"),
            (f"{record}/family", "Family", view == "family"),
        ]
        if view == "timeline":
            html = render_timeline_page(page, action=record, nav=nav, renderer=self.renderer)
        elif view == "contacts":
            html = render_contacts_page(page.person, page.contacts, nav=nav, renderer=self.renderer)
        else:
            html = render_family(
                page.person, page.family, nav=nav,
                member_href=lambda member: f"{base}/record/{member.subject_id}",
                renderer=self.renderer,
            )  # fmt: skip
        return ScreenResponse(html, f"{page.person.name} – {_TITLES[view]}")

    # -- shared ------------------------------------------------------------------------------

    def _csrf(self, request: ScreenRequest) -> str:
        if request.csrf_token:
            return request.csrf_token
        if self.csrf_exempt:
            return ""
        raise ConfigurationError(
            "a form needs the host's CSRF token: pass ScreenRequest(csrf_token=...), or build "
            "TimelineScreens(csrf_exempt=True) if POSTs are protected another way"
        )

    def _message(self, title: str, text: str, status: int) -> ScreenResponse:
        html = Markup('<h1 class="govuk-heading-l">{}</h1><p class="govuk-body">{}</p>').format(
            title, text
        )
        return ScreenResponse(html, title, status)


_DENIED = "You cannot see this record"


def _search_query(
    by: str, values: Mapping[str, str]
) -> tuple[SearchQuery | None, list[dict[str, str]]]:
    """The search to run, or the errors to show (each linking to its field)."""
    if by == "nhs_number":
        if not is_valid_nhs_number(values["nhs_number"]):
            return None, [_error("Enter a valid NHS number, like 485 777 3456", "#nhs-number")]
        return SearchQuery(nhs_number=values["nhs_number"]), []
    if by == "upn":
        upn = values["upn"].replace(" ", "").upper()
        if not is_valid_upn(upn):
            return None, [_error("Enter a valid unique pupil number, like A123456789012", "#upn")]
        return SearchQuery(upn=upn), []
    if by == "name":
        errors = []
        if not values["family_name"]:
            errors.append(_error("Enter the child's last name", "#family-name"))
        birth = _date({k.replace("birth_", "birth-"): [v] for k, v in values.items()}, "birth")
        if birth is None:
            errors.append(_error("Enter the child's date of birth, like 27 3 2019", "#birth-day"))
        if errors:
            return None, errors
        return SearchQuery(
            given_name=values["given_name"] or None,
            family_name=values["family_name"],
            birth_date=birth,
        ), []
    return None, [_error("Select how you want to find the child", "#by")]


def _error(text: str, href: str) -> dict[str, str]:
    return {"text": text, "href": href}
