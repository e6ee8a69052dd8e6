"""The timeline screens as a web handler: search → reason → timeline, contacts and family.

A host adapter (``familyhubs_sdk.integrations`` or your own) turns its request into a
:class:`~familyhubs_sdk.web.WebRequest` — with the signed-in
:class:`~familyhubs_sdk.web.Viewer` and the SDK's session values — calls
:meth:`TimelineScreens.handle`, applies the response's session changes and answers with its page
or redirect.

Routes, below where the screens are mounted:

=============================  ====================================================================
``""``                         GET: the search form. POST: search (names never reach a URL).
``record/<id>/reason``         GET/POST: why the viewer needs the record, asked before any of it.
``record/<id>``                GET: the timeline, with filters as GET parameters.
``record/<id>/contacts``       GET: who to contact.
``record/<id>/family``         GET: the family.
=============================  ====================================================================

``<id>`` is the subject's master id: an HMAC of a source key under the host's secret, never a name
or identifier, and not computable without the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from markupsafe import Markup
from pydantic import ValidationError

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.timeline._display import SearchResult, TimelineFilters, TimelinePage
from familyhubs_sdk.timeline._render import (
    SEARCH_FIELDS,
    render_access_denied,
    render_contacts_page,
    render_emergency_banner,
    render_family,
    render_reason_form,
    render_search_form,
    render_search_results,
    render_timeline_page,
)
from familyhubs_sdk.timeline._service import (
    SEARCH_LIMIT,
    AccessReason,
    SearchQuery,
    Timeline,
    TimelineService,
)
from familyhubs_sdk.views._identifiers import is_valid_nhs_number, is_valid_upn
from familyhubs_sdk.views._vocab import EVENT_KINDS
from familyhubs_sdk.web import (
    CsrfRule,
    Router,
    Viewer,
    WebRequest,
    WebResponse,
    message_page,
    refuse_control_characters,
)

__all__ = [
    "DEFAULT_REASONS",
    "MAX_REMEMBERED_REASONS",
    "REASONS_SESSION_KEY",
    "TimelineScreens",
    "filter_errors",
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

#: The session key of the reasons for access given: ``{"viewer": id, "reasons": [[id, {...}]]}``.
REASONS_SESSION_KEY = "familyhubs_access_reasons"
#: How many records' reasons a session keeps; the oldest is asked again after that.
MAX_REMEMBERED_REASONS = 20

_PERIODS = frozenset({"6m", "1y", "5y", "all", "custom"})
_TITLES = {"timeline": "timeline", "contacts": "who to contact", "family": "family"}
_DENIED = "You cannot see this record"

#: A screen: the request, the signed-in viewer and the route's parameters in, a response out.
_Screen = Callable[..., WebResponse]


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
    and dates that are not dates, are ignored: a hand-edited URL shows the whole timeline.

    >>> parse_filters({"period": ["1y"], "kind": ["not-a-kind"]}).period
    '1y'
    """
    period = _first(query, "period") or "all"
    custom = period == "custom"
    return TimelineFilters(
        kinds=frozenset(k for k in query.get("kind", ()) if k in EVENT_KINDS),
        period=period if period in _PERIODS else "all",
        date_from=_date(query, "from") if custom else None,
        date_to=_date(query, "to") if custom else None,
        significant_only=_first(query, "significant") == "1",
    )


def filter_errors(query: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """What is wrong with the filter form's chosen dates, as GOV.UK error messages linking to
    their fields: a date that is not a real one (31 February, a part missing) or a range the
    wrong way round. Empty unless "Choose dates" is chosen.

    >>> filter_errors({"period": ["custom"], "from-day": ["31"], "from-month": ["2"],
    ...                "from-year": ["2025"]})[0]["text"]
    'Date from must be a real date'
    """
    if _first(query, "period") != "custom":
        return []
    errors = []
    dates = {}
    for prefix, name in (("from", "Date from"), ("to", "Date to")):
        typed = [_first(query, f"{prefix}-{part}") for part in ("day", "month", "year")]
        if not any(typed):
            continue
        dates[prefix] = _date(query, prefix)
        if dates[prefix] is None or not 1000 <= int(typed[2] or 0) <= 9999:
            errors.append(_error(f"{name} must be a real date", f"#filter-{prefix}-day"))
    low, high = dates.get("from"), dates.get("to")
    if not errors and low is not None and high is not None and low > high:
        errors.append(
            _error("Date to must be the same as or after date from", "#filter-to-day")
        )
    return errors


def _typed_dates(query: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The filter form's date fields as typed (at most 10 characters each), to show back."""
    return {
        f"{prefix}-{part}": _first(query, f"{prefix}-{part}")[:10]
        for prefix in ("from", "to")
        for part in ("day", "month", "year")
    }


# -- the reasons given, in the host's session -----------------------------------------------------


def _reasons_in(session: Mapping[str, Any], viewer: Viewer) -> dict[str, AccessReason]:
    """The reasons for access ``viewer`` gave this session, by subject id, oldest first.

    Reasons are kept beside the id of the professional who gave them: another professional
    signed in to the same browser session gets none of them and is asked again. An entry that
    does not read as a reason (tampered, or from an older release) is dropped the same way.
    """
    kept = session.get(REASONS_SESSION_KEY)
    if not isinstance(kept, Mapping) or kept.get("viewer") != viewer.id:
        return {}
    reasons: dict[str, AccessReason] = {}
    for entry in kept.get("reasons") or ():
        try:
            subject_id, raw = entry
            reasons[str(subject_id)] = AccessReason.model_validate(raw)
        except (TypeError, ValueError, ValidationError):
            continue
    return reasons


def _remember(
    session: Mapping[str, Any], viewer: Viewer, subject_id: str, reason: AccessReason
) -> dict[str, Any]:
    """The session value with ``reason`` added for ``subject_id`` (newest last; a list, since
    some frameworks sort a session's keys when they store it)."""
    kept = {k: v for k, v in _reasons_in(session, viewer).items() if k != subject_id}
    kept[subject_id] = reason
    newest = list(kept.items())[-MAX_REMEMBERED_REASONS:]
    return {
        "viewer": viewer.id,
        "reasons": [[k, v.model_dump(mode="json")] for k, v in newest],
    }


class TimelineScreens:
    """Serves the timeline screens of one :class:`TimelineService`: a
    :class:`~familyhubs_sdk.web.Handler` any adapter can mount.

    :param reasons: the reasons for access to offer, ``(code, text)``.
    :param csrf: where the host's CSRF token goes in forms (Django:
        ``CsrfRule(field="csrfmiddlewaretoken")``), and whether forms may go without one.
    :param service_name: the service's name in the default page layout.

    >>> screens = TimelineScreens(service)  # doctest: +SKIP
    >>> screens.handle(WebRequest("GET", viewer=viewer, csrf_token="t")).title  # doctest: +SKIP
    'Find a child'
    """

    def __init__(
        self,
        service: TimelineService,
        *,
        renderer: Renderer | None = None,
        reasons: Sequence[tuple[str, str]] = DEFAULT_REASONS,
        csrf: CsrfRule | None = None,
        service_name: str = "Find a child",
    ) -> None:
        if not reasons:
            raise ConfigurationError("TimelineScreens needs at least one reason for access")
        self.service = service
        self.renderer = renderer or Renderer()
        self.reasons = tuple(reasons)
        self.csrf = csrf or CsrfRule()
        self.service_name = service_name
        self._router: Router[_Screen] = Router()
        self._router.add("", self._search)
        self._router.add("record/<subject_id>/reason", self._reason)
        for suffix, view in (("", "timeline"), ("/contacts", "contacts"), ("/family", "family")):
            self._router.add(
                f"record/<subject_id>{suffix}", partial(self._record, view=view), methods=("GET",)
            )

    @refuse_control_characters
    def handle(self, request: WebRequest) -> WebResponse:
        """Answer one HTTP request for the timeline screens."""
        viewer = request.viewer
        if viewer is None:  # the host's sign-in protects the screens
            return self._message(
                "Sign in to find a child",
                "You need to be signed in to search for a child's record.",
                401,
            )
        found = self._router.match(request.path, request.method)
        if found is None:
            return self._message("Page not found", "Check the address, or search again.", 404)
        if not found.method_allowed:
            allowed = " and ".join(sorted(found.route.methods))
            return self._message("Method not allowed", f"This page accepts {allowed}.", 405)
        return found.route.endpoint(request, viewer, **found.params)

    def reasons_given(self, request: WebRequest) -> Mapping[str, AccessReason]:
        """The reasons for access the signed-in viewer gave this session, by subject id."""
        if request.viewer is None:
            return {}
        return _reasons_in(request.session, request.viewer)

    # -- search ------------------------------------------------------------------------------

    def _search(self, request: WebRequest, viewer: Viewer) -> WebResponse:
        token = self.csrf.token(request)
        form = partial(
            render_search_form, action=request.url(), csrf_token=token,
            csrf_field=self.csrf.field, renderer=self.renderer,
        )  # fmt: skip
        if request.method == "GET":
            return WebResponse.page(form(), "Find a child")
        # The date parts post as birth-day, birth-month, birth-year (GOV.UK date input names).
        values = {
            name: request.form_value(name.replace("birth_", "birth-"))[:100]
            for name in SEARCH_FIELDS
        }
        by = request.form_value("by") or _implied_mode(values)
        query, errors = _search_query(by, values)
        html = form(by=by or None, values=values, errors=errors)
        if query is None:
            return WebResponse.page(html, "Error: Find a child", status=400)
        results = self.service.search(viewer, query, request_id=request.request_id)
        given = self.reasons_given(request)
        html += render_search_results(
            results, record_href=lambda r: _record_href(request, r, given),
            limit=SEARCH_LIMIT, mode=query.mode, renderer=self.renderer,
        )  # fmt: skip
        return WebResponse.page(html, "Find a child – results")

    # -- reason for access -------------------------------------------------------------------

    def _reason(self, request: WebRequest, viewer: Viewer, subject_id: str) -> WebResponse:
        token = self.csrf.token(request)
        posted = request.method == "POST"
        chosen = request.form_value("reason") if posted else ""
        justification = request.form_value("justification")[:500]
        rule = self.service.policy.rules.roles.get(viewer.role)
        allow_break_glass = bool(rule and rule.may_break_glass)
        if posted and chosen in {code for code, _ in self.reasons}:
            reason = AccessReason(
                reason=chosen,
                break_glass_justification=(
                    justification if allow_break_glass and justification else None
                ),
            )
            return WebResponse.redirect(request.url(f"record/{subject_id}")).with_session(
                **{REASONS_SESSION_KEY: _remember(request.session, viewer, subject_id, reason)}
            )
        errors = (
            [{"text": "Select why you need to see the record", "href": "#reason"}] if posted else []
        )
        html = render_reason_form(
            action=request.url(f"record/{subject_id}/reason"), csrf_token=token,
            csrf_field=self.csrf.field, subject_label=self._subject_label(subject_id),
            reasons=self.reasons, chosen=chosen or None, allow_break_glass=allow_break_glass,
            justification=justification, errors=errors,
            emergency_open=allow_break_glass and _first(request.query, "emergency") == "1",
            renderer=self.renderer,
        )  # fmt: skip
        title = "Why do you need to see this record?"
        if errors:
            return WebResponse.page(html, f"Error: {title}", status=400)
        return WebResponse.page(html, title)

    # -- the record ---------------------------------------------------------------------------

    def _record(
        self, request: WebRequest, viewer: Viewer, subject_id: str, *, view: str
    ) -> WebResponse:
        reason = self.reasons_given(request).get(subject_id)
        if reason is None:
            return WebResponse.redirect(request.url(f"record/{subject_id}/reason"))
        result = self._read(request, viewer, subject_id, reason, view)
        if not result.allowed or result.page is None:
            return self._denied(request, viewer, subject_id, result.decision.reason)
        errors = filter_errors(request.query) if view == "timeline" else []
        html = self._render_record(request, subject_id, result.page, view, errors)
        if result.decision.break_glass:
            # On every screen of the record: the viewer must not forget how they got in.
            label = self._subject_label(subject_id)
            html = render_emergency_banner(subject_label=label, renderer=self.renderer) + html
        title = f"{result.page.person.name} – {_TITLES[view]}"
        if errors:
            return WebResponse.page(html, f"Error: {title}", status=400)
        return WebResponse.page(html, title)

    def _subject_label(self, subject_id: str) -> str:
        """Whose record, in the screens' words: an adult is "this person", not "this child"."""
        return "this person" if self.service.is_adult(subject_id) else "this child"

    def _read(
        self, request: WebRequest, viewer: Viewer, subject_id: str, reason: AccessReason, view: str
    ) -> Timeline:
        """One audited read of the record, as much of it as ``view`` shows."""
        request_id = request.request_id
        if view == "contacts":
            return self.service.contacts(viewer, subject_id, reason, request_id=request_id)
        if view == "family":
            return self.service.family(viewer, subject_id, reason, request_id=request_id)
        filters = parse_filters(request.query)
        if filter_errors(request.query):
            # Dates that are not real, or the wrong way round, filter nothing until corrected.
            filters = filters.model_copy(update={"date_from": None, "date_to": None})
        return self.service.timeline(
            viewer, subject_id, reason, filters=filters, request_id=request_id
        )

    def _render_record(
        self,
        request: WebRequest,
        subject_id: str,
        page: TimelinePage,
        view: str,
        errors: Sequence[dict[str, str]] = (),
    ) -> Markup:
        record = request.url(f"record/{subject_id}")
        nav = [
            (record, "Timeline", view == "timeline"),
            (f"{record}/contacts", "Who to contact", view == "contacts"),
            (f"{record}/family", "Family", view == "family"),
        ]
        if view == "contacts":
            return render_contacts_page(page.person, page.contacts, nav=nav, renderer=self.renderer)
        if view == "family":
            return render_family(
                page.person, page.family, nav=nav,
                member_href=lambda member: request.url(f"record/{member.subject_id}"),
                renderer=self.renderer,
            )  # fmt: skip
        return render_timeline_page(
            page, action=record, nav=nav, filter_errors=errors,
            filter_values=_typed_dates(request.query), contacts_href=f"{record}/contacts",
            renderer=self.renderer,
        )  # fmt: skip

    def _denied(
        self, request: WebRequest, viewer: Viewer, subject_id: str, code: str
    ) -> WebResponse:
        # A reason that does not open the record may be the wrong one: offer to give another.
        another = code in ("no_relationship", "justification_required")
        rule = self.service.policy.rules.roles.get(viewer.role)
        emergency = code == "no_relationship" and rule is not None and rule.may_break_glass
        reason_url = request.url(f"record/{subject_id}/reason")
        html = render_access_denied(
            code,
            change_reason_href=reason_url if another else None,
            emergency_href=f"{reason_url}?emergency=1#emergency-access" if emergency else None,
            renderer=self.renderer,
        )
        return WebResponse.page(html, _DENIED, status=404 if code == "unknown_subject" else 403)

    def _message(self, title: str, text: str, status: int) -> WebResponse:
        return message_page(self.renderer, title, text, status=status)


def _record_href(
    request: WebRequest, result: SearchResult, given: Mapping[str, AccessReason]
) -> str:
    """Straight to the record when the viewer gave a reason for it this session."""
    record = f"record/{result.subject_id}"
    return request.url(record if result.subject_id in given else f"{record}/reason")


def _implied_mode(values: Mapping[str, str]) -> str:
    """The search a form implies when no way to search was chosen: an NHS number typed is a
    search by NHS number (likewise a UPN; a name or date of birth, by name)."""
    if values["nhs_number"].strip():
        return "nhs_number"
    if values["upn"].strip():
        return "upn"
    named = ("given_name", "family_name", "birth_day", "birth_month", "birth_year")
    return "name" if any(values[name].strip() for name in named) else ""


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
