"""The request-for-support journey as a framework-neutral controller: requests in, responses out.

URLs below the mount point: ``""`` starts (or resumes) a draft; a question's id (``consent``), or
``children/2/child_name`` inside a repeating group, is a question page; ``children/add`` is the
"add another?" page; ``check`` is check your answers; ``exit/<id>`` an exit page; ``confirmation``
shows the reference once the request is stored. Append ``?change=1`` to return to check your
answers after changing an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from markupsafe import Markup

from familyhubs_sdk.errors import ConfigurationError, StepNotOnPathError, TokenError
from familyhubs_sdk.questiontree import (
    FieldError,
    Group,
    JourneyState,
    QuestionTree,
    Step,
    add_another,
    answer,
    back,
    migrate_state,
    progress,
    remove_repeat,
    start,
    summary,
    walk,
)
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.analytics._events import AnalyticsSink, EventName, new_journey_key
from familyhubs_sdk.support.evidence._uploads import EvidenceUploads
from familyhubs_sdk.support.journey._drafts import DraftStore
from familyhubs_sdk.support.journey._evidence_step import EVIDENCE_PATH, EvidenceStep
from familyhubs_sdk.support.journey._pages import FIELD, component_for, field_values, progress_view
from familyhubs_sdk.support.journey._resume import ResumeTokens
from familyhubs_sdk.support.journey._tasks import tasks
from familyhubs_sdk.support.journey._web import (
    CompleteResponse,
    FlowRequest,
    FlowResponse,
    RedirectResponse,
    RenderResponse,
)
from familyhubs_sdk.support.requests._request import render_request_html, snapshot
from familyhubs_sdk.support.requests._submission import Submitter

__all__ = ["FormFlow", "address_to_path", "path_to_address"]

#: The journey key of the request being handled (see :meth:`FormFlow.handle`).
_JOURNEY: ContextVar[str] = ContextVar("familyhubs_journey_key")

_GROUP_PATH = re.compile(r"^([a-z][a-z0-9_]*)/(?:(\d{1,3})/([a-z][a-z0-9_]*)|add)$")
_ADDRESS = re.compile(r"^([a-z][a-z0-9_]*)\[(\d+|\+)\](?:\.([a-z][a-z0-9_]*))?$")


def address_to_path(address: str) -> str:
    """``children[0].child_name`` → ``children/1/child_name``; ``children[+]`` → ``children/add``.

    Repetitions count from 1 in URLs, as people do.
    """
    match = _ADDRESS.match(address)
    if match is None:
        return address
    group, index, question = match.groups()
    return f"{group}/add" if index == "+" else f"{group}/{int(index) + 1}/{question}"


def path_to_address(path: str) -> str | None:
    """The inverse of :func:`address_to_path`; ``None`` for a path that is not a step."""
    if re.fullmatch(r"[a-z][a-z0-9_]*", path):
        return path
    match = _GROUP_PATH.match(path)
    if match is None:
        return None
    group, number, question = match.groups()
    if number is None:
        return f"{group}[+]"
    if int(number) < 1:
        return None
    return f"{group}[{int(number) - 1}].{question}"


def _today() -> date:
    return datetime.now(UTC).date()


class FormFlow:
    """Runs a question tree as GOV.UK pages.

    :param csrf_field: the form field the host's CSRF protection reads (Django:
        ``csrfmiddlewaretoken``).
    :param csrf_exempt: render forms without a CSRF token. Only for hosts that protect POSTs some
        other way; the default refuses.
    :param resume: resume tokens for "Save and come back later" (drafts must then be kept in a
        :class:`SQLDraftStore` on the same database). Without it, question pages have no save
        button.
    :param evidence: supporting-evidence uploads; with it, an "Upload supporting evidence" page
        comes between the last question and check your answers.
    :param analytics: where form-use events go (no answers, no personal data). Each journey has
        a random key of its own, kept beside the draft id in the host's session value and never
        stored with the draft or the request.
    """

    def __init__(
        self,
        tree: QuestionTree,
        drafts: DraftStore,
        submitter: Submitter,
        *,
        renderer: Renderer | None = None,
        csrf_field: str = "csrf_token",
        csrf_exempt: bool = False,
        front_door_phone: str = "",
        referrer_id: Callable[[FlowRequest], str] = lambda request: "anonymous",
        today: Callable[[], date] = _today,
        resume: ResumeTokens | None = None,
        analytics: AnalyticsSink | None = None,
        evidence: EvidenceUploads | None = None,
    ) -> None:
        self.tree = tree
        self.drafts = drafts
        self.submitter = submitter
        self.renderer = renderer or Renderer()
        self.csrf_field = csrf_field
        self.csrf_exempt = csrf_exempt
        self.front_door_phone = front_door_phone
        self._referrer_id = referrer_id
        self._today = today
        self.resume = resume
        self.analytics = analytics
        self.evidence = EvidenceStep(evidence, self.renderer) if evidence else None

    # -- entry point -------------------------------------------------------------------------

    def handle(self, request: FlowRequest) -> FlowResponse:
        """Answer one HTTP request of the journey."""
        # The journey key ties one journey's analytics events together; it lives only in the
        # host's session, never beside the draft or the request.
        token = _JOURNEY.set(request.journey_key or new_journey_key())
        try:
            return replace(self._handle(request), journey_key=_JOURNEY.get())
        finally:
            _JOURNEY.reset(token)

    def _event(
        self, event: EventName, question: str | None = None, error_code: str | None = None
    ) -> None:
        if self.analytics is not None:
            self.analytics.record(
                self.tree, _JOURNEY.get(), event, question=question, error_code=error_code
            )

    def _handle(self, request: FlowRequest) -> FlowResponse:
        base = request.base_path.rstrip("/")
        path = request.path.strip("/")
        if request.method not in ("GET", "POST"):
            return self._message(
                request, "Method not allowed", "This page accepts GET and POST.", 405
            )
        if path == "":
            return self._start(request, base)
        if path == "confirmation":
            return self._confirmation(request)
        if path == "copy":
            return self._copy(request)
        if path.startswith("resume/"):
            return self._resume(request, base, path.removeprefix("resume/"))
        state = self._load(request.draft_id)
        if state is None:
            return RedirectResponse(f"{base}/", draft_id=None)
        if path == "check":
            return self._check(request, base, state)
        if path == "tasks":
            return self._tasks(request, base, state)
        if path == EVIDENCE_PATH and self.evidence is not None:
            return self._evidence(request, base, state, self.evidence)
        if path.startswith("exit/"):
            return self._exit(request, base, state, path.removeprefix("exit/"))
        address = path_to_address(path)
        if address is None:
            return self._message(request, "Page not found", "Check the web address.", 404)
        return self._step(request, base, state, address)

    # -- pages -------------------------------------------------------------------------------

    def _load(self, draft_id: str | None) -> JourneyState | None:
        """The draft's state on this tree; a draft saved on an older version is migrated."""
        state = self.drafts.load(draft_id) if draft_id else None
        if state is None or state.tree_id != self.tree.id:
            return None
        if state.tree_version != self.tree.version:
            state = migrate_state(self.tree, state, self._today()).state
            self.drafts.save(draft_id or "", state)
        return state

    def _start(self, request: FlowRequest, base: str) -> FlowResponse:
        state = self._load(request.draft_id)
        draft_id = request.draft_id
        if state is None:
            state = start(self.tree)
            draft_id = self.drafts.create(state)
            _JOURNEY.set(new_journey_key())  # a new journey, even in an old session
            self._event("started")
        return RedirectResponse(self._next_location(base, state, change=False), draft_id=draft_id)

    def _next_location(self, base: str, state: JourneyState, *, change: bool) -> str:
        route = walk(self.tree, state, self._today())
        if route.current is not None:
            suffix = "?change=1" if change else ""
            return f"{base}/{address_to_path(route.current.address)}{suffix}"
        if route.ending and route.ending.startswith("exit:"):
            return f"{base}/exit/{route.ending.removeprefix('exit:')}"
        if self.evidence is not None and not change:
            return f"{base}/{EVIDENCE_PATH}"
        return f"{base}/check"

    def _evidence(
        self, request: FlowRequest, base: str, state: JourneyState, step: EvidenceStep
    ) -> FlowResponse:
        route = walk(self.tree, state, self._today())
        if route.ending != "end":
            return RedirectResponse(
                self._next_location(base, state, change=False), draft_id=request.draft_id
            )
        self._require_csrf(request)
        change = "1" in request.query.get("change", [])
        last = route.steps[-1].address if route.steps else ""
        page = {
            "back_href": f"{base}/check" if change else f"{base}/{address_to_path(last)}",
            "progress": None,
            "caption": None,
            "action": f"{base}/{EVIDENCE_PATH}" + ("?change=1" if change else ""),
            "csrf_field": self.csrf_field,
            "csrf_token": request.csrf_token or "",
        }
        return step.handle(request, request.draft_id or "", page=page, next_href=f"{base}/check")

    def _step(
        self, request: FlowRequest, base: str, state: JourneyState, address: str
    ) -> FlowResponse:
        today = self._today()
        route = walk(self.tree, state, today)
        step = next((s for s in route.steps if s.address == address), None)
        if step is None:
            # Not on the path (stale, replayed or crafted): nothing is stored.
            return RedirectResponse(
                self._next_location(base, state, change=False), draft_id=request.draft_id
            )
        change = "1" in request.query.get("change", [])
        if step.group is not None and step.question is None:
            return self._add_another(request, base, state, step, step.group, change)
        if step.question is None:  # pragma: no cover - every other step is a question
            raise StepNotOnPathError(f"{address!r} is not a question")
        if request.method == "POST":
            raw = field_values(request.form, step.question)
            try:
                result = answer(self.tree, state, address, raw, today)
            except StepNotOnPathError:
                return RedirectResponse(
                    self._next_location(base, state, change=False), draft_id=request.draft_id
                )
            saving = self.resume is not None and "save" in request.form
            if result.error is not None:
                if saving:  # keep what is already saved; this page's answer is not valid yet
                    return self._saved(request, base)
                self._event("validation_error", address, result.error.code)
                return self._question_page(request, base, state, step, raw, result.error, change)
            self.drafts.save(request.draft_id or "", result.state)
            self._event("question_answered", address)
            if saving:
                return self._saved(request, base)
            return RedirectResponse(
                self._next_location(base, result.state, change=change), draft_id=request.draft_id
            )
        if change:
            self._event("change", address)
        elif route.current is None or route.current.address != address:
            self._event("back", address)
        self._event("question_viewed", address)
        stored = state.answers.get(address)
        return self._question_page(request, base, state, step, stored, None, change)

    def _common(
        self, request: FlowRequest, base: str, state: JourneyState, step: Step, change: bool
    ) -> dict[str, Any]:
        self._require_csrf(request)
        today = self._today()
        previous = back(self.tree, state, step.address, today)
        if change:
            back_href = f"{base}/check"
        elif previous is not None:
            back_href = f"{base}/{address_to_path(previous)}"
        else:
            back_href = None
        section_id = (step.group.section if step.group else None) or (
            step.question.section if step.question else None
        )
        section = self.tree.section_index.get(section_id) if section_id else None
        action = f"{base}/{address_to_path(step.address)}" + ("?change=1" if change else "")
        return {
            "back_href": back_href,
            "progress": progress_view(progress(self.tree, state, today)),
            "caption": section.title if section else None,
            "action": action,
            "csrf_field": self.csrf_field,
            "csrf_token": request.csrf_token or "",
            "can_save": self.resume is not None,
        }

    def _question_page(
        self,
        request: FlowRequest,
        base: str,
        state: JourneyState,
        step: Step,
        value: Any,
        error: FieldError | None,
        change: bool,
    ) -> RenderResponse:
        question = step.question
        if question is None:  # pragma: no cover - callers pass question steps
            raise StepNotOnPathError(f"{step.address!r} is not a question")
        page = self._common(request, base, state, step, change)
        href = f"#{FIELD}-{error.parts[0]}" if error and error.parts else f"#{FIELD}"
        if error and question.kind == "date" and not error.parts:
            href = f"#{FIELD}-day"
        page.update(
            errors=[{"text": error.message, "href": href}] if error else [],
            guidance=question.guidance,
            component=component_for(question, value, error),
            button_text="Continue",
        )
        html = self.renderer.render("familyhubs/support/question.html", page=page)
        return self._page(html, question.label, request, error is not None)

    def _add_another(
        self,
        request: FlowRequest,
        base: str,
        state: JourneyState,
        step: Step,
        group: Group,
        change: bool,
    ) -> FlowResponse:
        today = self._today()
        if request.method == "POST":
            removing = next(iter(request.form.get("remove") or []), None)
            if removing is not None:
                try:
                    state = remove_repeat(self.tree, state, group.id, int(removing) - 1)
                except (ValueError, StepNotOnPathError):
                    return RedirectResponse(f"{base}/{group.id}/add", draft_id=request.draft_id)
                self.drafts.save(request.draft_id or "", state)
                return RedirectResponse(f"{base}/{group.id}/add", draft_id=request.draft_id)
            choice = (request.form.get("add") or [""])[0]
            if choice in ("yes", "no"):
                state = add_another(self.tree, state, group.id, choice == "yes", today)
                self.drafts.save(request.draft_id or "", state)
                self._event("question_answered", step.address)
                return RedirectResponse(
                    self._next_location(base, state, change=change), draft_id=request.draft_id
                )
            error: FieldError | None = FieldError(
                "required", f"Select yes if you need to add another {group.item_label}"
            )
            self._event("validation_error", step.address, "required")
        else:
            error = None
            self._event("question_viewed", step.address)
        count = step.index or 0
        entries = []
        for index in range(count):
            title = (
                state.answers.get(f"{group.id}[{index}].{group.title_question}")
                if group.title_question
                else None
            )
            entries.append(
                {
                    "index": index + 1,
                    "label": f"{group.item_label.capitalize()} {index + 1}",
                    "summary": str(title) if title else "",
                    "change_href": f"{base}/{group.id}/{index + 1}/{group.questions[0].id}",
                    "removable": count > group.min_repeats,
                }
            )
        noun = group.item_label if count == 1 else group.plural
        page = self._common(request, base, state, step, change)
        page.update(
            errors=[{"text": error.message, "href": "#add"}] if error else [],
            heading=f"You have added {count} {noun}"
            if count
            else f"Do you need to add a {group.item_label}?",
            entries=entries,
            can_add=count < group.max_repeats,
            limit_text=f"You can add up to {group.max_repeats} {group.plural}.",
            add_question={
                "idPrefix": "add",
                "name": "add",
                "classes": "govuk-radios--inline",
                "fieldset": {
                    "legend": {
                        "text": f"Do you need to add another {group.item_label}?"
                        if count
                        else f"Add a {group.item_label}?",
                        "classes": "govuk-fieldset__legend--m",
                    }
                },
                "errorMessage": {"text": error.message} if error else None,
                "items": [{"value": "yes", "text": "Yes"}, {"value": "no", "text": "No"}],
            },
        )
        html = self.renderer.render("familyhubs/support/add_another.html", page=page)
        return self._page(html, page["heading"], request, error is not None)

    def _check(self, request: FlowRequest, base: str, state: JourneyState) -> FlowResponse:
        today = self._today()
        route = walk(self.tree, state, today)
        if route.ending != "end":
            return RedirectResponse(
                self._next_location(base, state, change=False), draft_id=request.draft_id
            )
        rows = summary(self.tree, state, today)
        if request.method == "POST":
            self._require_csrf(request)
            referrer_id = self._referrer_id(request)
            files = self.evidence.summaries(request.draft_id or "") if self.evidence else []
            sent = self.submitter.submit(
                lambda *, id, reference, submitted_at: snapshot(
                    self.tree, state, today=today, id=id, reference=reference,
                    submitted_at=submitted_at, referrer_id=referrer_id, evidence=files,
                ),
                draft_id=request.draft_id,
            )  # fmt: skip
            self.drafts.mark_submitted(request.draft_id or "", sent.reference)
            self._event("submitted")
            return CompleteResponse(
                sent.reference, f"{base}/confirmation", draft_id=request.draft_id
            )
        sections: list[dict[str, Any]] = []
        for row in rows:
            section = self.tree.section_index.get(row.section or "")
            title = section.title if section else "Your answers"
            if not sections or sections[-1]["title"] != title:
                sections.append({"title": title, "rows": []})
            key = f"{row.repeat_label}: {row.label}" if row.repeat_label else row.label
            sections[-1]["rows"].append(
                {
                    "key": {"text": key},
                    "value": {"text": row.value},
                    "actions": {
                        "items": [
                            {
                                "href": f"{base}/{address_to_path(row.address)}?change=1",
                                "text": "Change",
                                "visuallyHiddenText": key.rstrip("?").lower(),
                            }
                        ]
                    },
                }
            )
        if self.evidence is not None:
            sections.append(
                {
                    "title": "Supporting evidence",
                    "rows": self.evidence.check_answers_rows(
                        request.draft_id or "", f"{base}/{EVIDENCE_PATH}?change=1"
                    ),
                }
            )
        self._require_csrf(request)
        last = route.steps[-1].address if route.steps else None
        if self.evidence is not None:
            last = EVIDENCE_PATH
        page = {
            "back_href": f"{base}/{address_to_path(last)}" if last else None,
            "errors": [],
            "progress": None,
            "caption": None,
            "heading": "Check your answers before sending your request",
            "sections": sections,
            "declaration": (
                "By sending this request you confirm that, to the best of your knowledge, the "
                "details are correct and the family has agreed to it."
            ),
            "button_text": "Accept and send",
            "action": f"{base}/check",
            "csrf_field": self.csrf_field,
            "csrf_token": request.csrf_token or "",
        }
        html = self.renderer.render("familyhubs/support/check_answers.html", page=page)
        return self._page(html, str(page["heading"]), request, False)

    def _tasks(self, request: FlowRequest, base: str, state: JourneyState) -> FlowResponse:
        """The optional task list: every section with its status, linking to where to go."""
        page = {
            "heading": "Request support for a family",
            "tasks": [
                {
                    "title": task.title,
                    "status": task.status,
                    "href": f"{base}/{address_to_path(task.address)}" if task.address else None,
                }
                for task in tasks(self.tree, state, self._today())
            ],
        }
        html = self.renderer.render("familyhubs/support/task_list.html", page=page)
        return self._page(html, str(page["heading"]), request, False)

    def _exit(
        self, request: FlowRequest, base: str, state: JourneyState, exit_id: str
    ) -> FlowResponse:
        route = walk(self.tree, state, self._today())
        exit_page = self.tree.exit_index.get(exit_id)
        if exit_page is None or route.ending != f"exit:{exit_id}":
            return RedirectResponse(
                self._next_location(base, state, change=False), draft_id=request.draft_id
            )
        last = route.steps[-1].address if route.steps else None
        phone = self.front_door_phone if exit_page.show_front_door_phone else ""
        page: dict[str, Any] = {
            "back_href": f"{base}/{address_to_path(last)}" if last else None,
            "errors": [],
            "progress": None,
            "caption": None,
            "heading": exit_page.title,
            "paragraphs": exit_page.body,
            "phone": phone,
            "phone_href": re.sub(r"[^\d+]", "", phone),
        }
        self._event("exit_page", exit_id)
        html = self.renderer.render("familyhubs/support/exit.html", page=page)
        return self._page(html, exit_page.title, request, False)

    def _confirmation(self, request: FlowRequest) -> FlowResponse:
        base = request.base_path.rstrip("/")
        reference = self.drafts.submitted(request.draft_id) if request.draft_id else None
        if reference is None:
            return RedirectResponse(f"{base}/", draft_id=None)
        page = {
            "heading": "Request sent",
            "reference_html": Markup("Your reference number<br><strong>{}</strong>").format(
                reference
            ),
            "next_steps": (
                "The early help team will read your request and contact you within 5 working days.",
                "Keep your reference number: quote it if you contact the team about this request.",
            ),
            "copy_href": f"{base}/copy",
        }
        html = self.renderer.render("familyhubs/support/confirmation.html", page=page)
        # The session keeps the (now read-only) draft so the copy link works; starting again
        # makes a new draft.
        return RenderResponse(html, title="Request sent", status=200, draft_id=request.draft_id)

    def _saved(self, request: FlowRequest, base: str) -> FlowResponse:
        """A new resume link, shown once. The draft stays in the session too, so the person can
        simply carry on in this browser."""
        if self.resume is None:  # pragma: no cover - callers check
            raise ConfigurationError("saving needs FormFlow(resume=ResumeTokens(...))")
        token = self.resume.issue(request.draft_id or "")
        self._event("saved")
        page = {
            "link": f"{base}/resume/{token}",
            "expires": self._today() + self.resume.lifetime,
        }
        html = self.renderer.render("familyhubs/support/saved.html", page=page)
        return RenderResponse(
            html, title="Your answers have been saved", status=200, draft_id=request.draft_id
        )

    def _resume(self, request: FlowRequest, base: str, token: str) -> FlowResponse:
        """GET asks, POST uses the link: a mail scanner that fetches links cannot use it up."""
        if self.resume is None:
            return self._message(request, "Page not found", "Check the web address.", 404)
        self._require_csrf(request)
        page = {
            "action": f"{base}/resume/{token}",
            "csrf_field": self.csrf_field,
            "csrf_token": request.csrf_token or "",
            "invalid": False,
            "start_href": f"{base}/",
        }
        if request.method == "POST":
            try:
                # Hosts that do not say who is asking share one allowance: fail closed.
                client = request.client or "unidentified-client"
                draft_id = self.resume.redeem(token, client_key=client)
            except TokenError:
                page["invalid"] = True
            else:
                self._event("resumed")
                return RedirectResponse(f"{base}/", draft_id=draft_id)
        html = self.renderer.render("familyhubs/support/resume.html", page=page)
        if page["invalid"]:
            title = "This link cannot be used"
            return RenderResponse(html, title=title, status=400, draft_id=request.draft_id)
        return RenderResponse(
            html, title="Continue your request", status=200, draft_id=request.draft_id
        )

    def _copy(self, request: FlowRequest) -> FlowResponse:
        """Exactly what was sent, to print or save: the referrer's record of their request."""
        base = request.base_path.rstrip("/")
        sent = self.submitter.sent(request.draft_id) if request.draft_id else None
        if sent is None:
            return RedirectResponse(f"{base}/", draft_id=None)
        titles = {section.id: section.title for section in self.tree.sections}
        html = render_request_html(sent, section_titles=titles, renderer=self.renderer)
        html += Markup(
            '<p class="govuk-body">To keep a copy, print this page or save it as a PDF '
            "from your browser's print option.</p>"
            '<p class="govuk-body"><a class="govuk-link" href="{}">Back to your reference '
            "number</a></p>"
        ).format(f"{base}/confirmation")
        return RenderResponse(
            html, title=f"Your request {sent.reference}", status=200, draft_id=request.draft_id
        )

    # -- helpers ------------------------------------------------------------------------------

    def _require_csrf(self, request: FlowRequest) -> None:
        """Refuse to render or accept a form without the host's CSRF token, unless opted out."""
        if request.csrf_token is None and not self.csrf_exempt:
            raise ConfigurationError(
                "the request-for-support form needs the host's CSRF token "
                "(FlowRequest.csrf_token); build the flow with csrf_exempt=True only if POSTs are "
                "protected another way"
            )

    def _page(
        self, html: Markup, title: str, request: FlowRequest, has_errors: bool
    ) -> RenderResponse:
        return RenderResponse(
            html,
            title=("Error: " if has_errors else "") + title,
            status=400 if has_errors else 200,
            draft_id=request.draft_id,
        )

    def _message(self, request: FlowRequest, title: str, text: str, status: int) -> RenderResponse:
        html = Markup('<h1 class="govuk-heading-l">{}</h1><p class="govuk-body">{}</p>').format(
            title, text
        )
        return RenderResponse(html, title=title, status=status, draft_id=request.draft_id)
