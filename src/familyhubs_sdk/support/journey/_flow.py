"""The request-for-support journey as a web handler: a :class:`~familyhubs_sdk.web.WebRequest`
in, a :class:`~familyhubs_sdk.web.WebResponse` out.

Paths below the mount point:

==============================  ==================================================================
``""``                          start a draft, or carry on with the session's draft
``<question>``                  a question (``consent``)
``<group>/<n>/<question>``      a question inside a repeating group (``children/2/child_name``)
``<group>/add``                 a repeating group's "add another?" page
``<group>/remove/<n>``          "Are you sure you want to remove Child <n>?"; only "yes" removes
``evidence``                    upload supporting evidence (when the flow has ``evidence=``)
``check``                       check your answers; POST sends the request
``tasks``                       the task list
``exit/<id>``                   an exit page
``confirmation``, ``copy``      the reference once the request is stored, and a copy to print
``resume``                      a "save and come back later" link (when the flow has ``resume=``):
                                ``resume#<token>``, the token in the fragment, POSTed back
``resume/<token>``              the path-style links of earlier releases, still accepted once
``save/email``                  "Email me this link" on the saved page (with a resume sender)
==============================  ==================================================================

Append ``?change=1`` to a step to come back to check your answers after changing it. The draft
id and the journey's analytics key live in the host's session (``familyhubs_draft_id``,
``familyhubs_journey_key``); every response says what they become.

Once a draft is sent it is read-only, and sending is idempotent: a second "Accept and send", an
answer, a save, a removal or an upload for it (a double click, the back button, a POST racing
the send) redirects to the confirmation, with the same reference and copy. The draft store's
conditional save makes this hold however the requests interleave.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from markupsafe import Markup

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import (
    ConfigurationError,
    StepNotOnPathError,
    TokenError,
)
from familyhubs_sdk.questiontree import (
    FieldError,
    Group,
    JourneyState,
    QuestionTree,
    Step,
    add_another,
    answer,
    declaration,
    migrate_state,
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
from familyhubs_sdk.support.journey._options import JourneyOptions
from familyhubs_sdk.support.journey._page_render import render_page
from familyhubs_sdk.support.journey._pages import (
    FormTarget,
    StepView,
    add_another_error,
    add_another_page,
    field_values,
    question_page,
    remove_error,
    remove_page,
)
from familyhubs_sdk.support.journey._paths import CHANGE_QUERY, path_to_address, step_href
from familyhubs_sdk.support.journey._progress_view import PROGRESS_SESSION_KEY
from familyhubs_sdk.support.journey._resume import ResumeTokens
from familyhubs_sdk.support.journey._saving import EMAIL_PATH, SaveAndReturn
from familyhubs_sdk.support.journey._summary_pages import (
    check_answers_page,
    check_answers_sections,
    confirmation_page,
    copy_page,
    evidence_frame,
    exit_page,
    task_list_page,
)
from familyhubs_sdk.support.journey._tasks import tasks
from familyhubs_sdk.support.journey._visit import (
    DRAFT_SESSION_KEY,
    JOURNEY_SESSION_KEY,
    Draft,
    Visit,
    first_value,
    session_value,
    shown_percent,
)
from familyhubs_sdk.support.requests._request import render_request_html, snapshot
from familyhubs_sdk.support.requests._submission import Submitter
from familyhubs_sdk.web import (
    Router,
    WebRequest,
    WebResponse,
    message_page,
    refuse_control_characters,
)
from familyhubs_sdk.web._http import BodyLimits

__all__ = ["DRAFT_SESSION_KEY", "JOURNEY_SESSION_KEY", "FormFlow"]

_Endpoint = Callable[[Visit, Mapping[str, str]], WebResponse]
_DraftEndpoint = Callable[[Visit, Draft, Mapping[str, str]], WebResponse]


class FormFlow:
    """Runs a question tree as GOV.UK pages: the request-for-support journey, as a
    :class:`~familyhubs_sdk.web.Handler` any framework adapter can mount.

    :param options: the host's settings for the pages (CSRF rule, service name, front door
        phone, who the referrer is): :class:`JourneyOptions`.
    :param renderer: the SDK's :class:`~familyhubs_sdk.rendering.Renderer`, or the host's.
    :param clock: the current time (UTC); the journey works on its date.
    :param resume: resume tokens for "Save and come back later" (drafts must then be kept in a
        :class:`SQLDraftStore` on the same database). Without it, question pages have no save
        button.
    :param analytics: where form-use events go (no answers, no personal data). Each journey has
        a random key of its own, kept in the host's session beside the draft id and never
        stored with the draft or the request.
    :param evidence: supporting-evidence uploads; with it, an "Upload supporting evidence" page
        comes between the last question and check your answers.

    >>> from familyhubs_sdk.support import InMemoryDraftStore, default_tree
    >>> from familyhubs_sdk.testing import MemorySubmitter
    >>> from familyhubs_sdk.web import CsrfRule
    >>> flow = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(),
    ...                 options=JourneyOptions(csrf=CsrfRule(exempt=True)))
    >>> started = flow.handle(WebRequest("GET", "", "/request-support"))
    >>> started.location
    '/request-support/immediate_danger'
    >>> page = flow.handle(WebRequest("GET", "immediate_danger", "/request-support",
    ...                               session=started.session))
    >>> page.status, page.title
    (200, 'Is anyone in the family in immediate danger?')
    """

    def __init__(
        self,
        tree: QuestionTree,
        drafts: DraftStore,
        submitter: Submitter,
        *,
        options: JourneyOptions | None = None,
        renderer: Renderer | None = None,
        clock: Clock = utc_now,
        resume: ResumeTokens | None = None,
        analytics: AnalyticsSink | None = None,
        evidence: EvidenceUploads | None = None,
    ) -> None:
        self.tree = tree
        self.drafts = drafts
        self.submitter = submitter
        self.options = options or JourneyOptions()
        self.renderer = renderer or Renderer()
        self.csrf = self.options.csrf
        self.copy = tree.form_copy
        #: The service's name in the host's layout: the host's choice, else the form's own.
        self.service_name = self.options.service_name or self.copy.service_name or tree.title
        #: After the service name in page titles ("… – Ask for early help – GOV.UK"), for the
        #: host's layout.
        self.title_suffix = self.copy.title_suffix
        self.progress_style = self.options.progress
        self.clock = clock
        self.resume = resume
        self.saving = SaveAndReturn(resume, self.options, self.renderer, clock) if resume else None
        self.analytics = analytics
        self.evidence = EvidenceStep(evidence, self.renderer) if evidence else None
        self._router = self._routes()

    def _routes(self) -> Router[_Endpoint]:
        get = ("GET",)
        router: Router[_Endpoint] = Router()
        router.add("", self._start, methods=get)
        router.add("confirmation", self._confirmation, methods=get)
        router.add("copy", self._copy, methods=get)
        if self.resume is not None:
            router.add("resume", self._resume)
            # Links from releases before the token moved to the fragment: accepted, once each.
            router.add("resume/<token>", self._resume)
        if self.saving is not None and self.options.resume_sender is not None:
            router.add(EMAIL_PATH, self._drafted(self._email_link), methods=("POST",))
        router.add("check", self._drafted(self._check))
        router.add("tasks", self._drafted(self._tasks), methods=get)
        if self.evidence is not None:
            router.add(EVIDENCE_PATH, self._drafted(self._evidence))
        router.add("exit/<exit_id>", self._drafted(self._exit), methods=get)
        router.add("<group>/remove/<number>", self._drafted(self._remove))
        for template in ("<question>", "<group>/add", "<group>/<number>/<question>"):
            router.add(template, self._drafted(self._step))
        return router

    # -- entry point -------------------------------------------------------------------------

    @refuse_control_characters
    def handle(self, request: WebRequest) -> WebResponse:
        """Answer one HTTP request of the journey."""
        visit = self._visit(request)
        found = self._router.match(request.path, request.method)
        if found is None:
            response = self._not_found()
        elif not found.method_allowed:
            allowed = " and ".join(sorted(found.route.methods))
            response = message_page(
                self.renderer, "Method not allowed", f"This page accepts {allowed}.", status=405
            )
        else:
            response = found.route.endpoint(visit, found.params)
        # Every response names the draft and journey the session keeps; a step that starts,
        # resumes or forgets one has said so itself.
        return replace(response, session={**visit.session(), **response.session})

    def body_limits(self, path: str) -> BodyLimits:
        """How much a POST to ``path`` may carry (:class:`~familyhubs_sdk.web.TakesUploads`):
        files only on the evidence page, within its rules; every other page takes none."""
        if self.evidence is not None and path.strip("/") == EVIDENCE_PATH:
            return self.evidence.body_limits
        return BodyLimits()

    def _visit(self, request: WebRequest) -> Visit:
        return Visit(
            request=request,
            draft_id=session_value(request.session, DRAFT_SESSION_KEY),
            # The journey key ties one journey's analytics events together; it lives only in
            # the host's session, never beside the draft or the request.
            journey_key=session_value(request.session, JOURNEY_SESSION_KEY) or new_journey_key(),
            today=self.clock().date(),
            change="1" in request.query.get("change", ()),
            progress_shown=shown_percent(request.session.get(PROGRESS_SESSION_KEY)),
        )

    def _drafted(self, endpoint: _DraftEndpoint) -> _Endpoint:
        """``endpoint`` on the session's draft; once it is sent, its confirmation; without
        one, back to the start."""

        def serve(visit: Visit, params: Mapping[str, str]) -> WebResponse:
            draft = self._load(visit)
            return self._closed(visit) if draft is None else endpoint(visit, draft, params)

        return serve

    def _load(self, visit: Visit) -> Draft | None:
        """The session's draft on this tree; a draft saved on an older version is migrated."""
        if visit.draft_id is None:
            return None
        state = self.drafts.load(visit.draft_id)
        if state is None or state.tree_id != self.tree.id:
            return None
        if state.tree_version != self.tree.version:
            state = migrate_state(self.tree, state, visit.today).state
            if not self._store(visit.draft_id, state):
                return None  # sent meanwhile
        return Draft(visit.draft_id, state)

    def _store(self, draft_id: str, state: JourneyState) -> bool:
        """Save an answer; ``False`` when the draft was sent meanwhile and nothing was written.
        (A host's store written before ``save`` said so returns ``None``: taken as written.)"""
        return self.drafts.save(draft_id, state) is not False

    def _closed(self, visit: Visit) -> WebResponse:
        """Where a request for a draft that cannot be changed goes: its confirmation once it is
        sent (the session keeps it, so the reference and copy stay in reach), else the start."""
        if visit.draft_id is not None and self.drafts.submitted(visit.draft_id) is not None:
            return WebResponse.redirect(visit.url("confirmation"))
        return self._forget(visit)

    def _event(
        self,
        visit: Visit,
        event: EventName,
        question: str | None = None,
        error_code: str | None = None,
    ) -> None:
        if self.analytics is not None:
            self.analytics.record(
                self.tree, visit.journey_key, event, question=question, error_code=error_code
            )

    # -- the start, and where to go next -----------------------------------------------------

    def _start(self, visit: Visit, params: Mapping[str, str]) -> WebResponse:
        draft = self._load(visit)
        if draft is None:
            state = start(self.tree)
            draft = Draft(self.drafts.create(state), state)
            # A new journey, even in an old session: a new analytics key.
            visit = replace(visit, draft_id=draft.id, journey_key=new_journey_key())
            self._event(visit, "started")
            # ...and a progress bar of its own.
            return WebResponse.redirect(
                self._next_location(visit, draft.state),
                session={**visit.session(), PROGRESS_SESSION_KEY: None},
            )
        return WebResponse.redirect(
            self._next_location(visit, draft.state), session=visit.session()
        )

    def _next_location(self, visit: Visit, state: JourneyState, *, change: bool = False) -> str:
        route = walk(self.tree, state, visit.today)
        if route.current is not None:
            return step_href(visit.base, route.current.address, change=change)
        if route.ending and route.ending.startswith("exit:"):
            return visit.url(f"exit/{route.ending.removeprefix('exit:')}")
        if self.evidence is not None and not change:
            return visit.url(EVIDENCE_PATH)
        return visit.url("check")

    def _onward(self, visit: Visit, draft: Draft) -> WebResponse:
        """Where a step off the path (stale, replayed or crafted) sends the browser instead."""
        return WebResponse.redirect(self._next_location(visit, draft.state))

    # -- questions ---------------------------------------------------------------------------

    def _step(self, visit: Visit, draft: Draft, params: Mapping[str, str]) -> WebResponse:
        address = path_to_address(visit.request.path.strip("/"))
        if address is None:
            return self._not_found()
        route = walk(self.tree, draft.state, visit.today)
        step = next((s for s in route.steps if s.address == address), None)
        if step is None:  # not on the path: nothing is stored
            return self._onward(visit, draft)
        view = self._view(visit, draft, step)
        if step.group is not None and step.question is None:
            return self._add_another(visit, draft, view, step.group)
        if visit.request.method == "POST":
            return self._answer(visit, draft, view)
        if visit.change:
            self._event(visit, "change", address)
        elif route.current is None or route.current.address != address:
            self._event(visit, "back", address)
        self._event(visit, "question_viewed", address)
        return self._question(visit, view, draft.state.answers.get(address), None)

    def _answer(self, visit: Visit, draft: Draft, view: StepView) -> WebResponse:
        address, question = view.step.address, view.step.question
        if question is None:  # pragma: no cover - _step passes question steps
            raise StepNotOnPathError(f"{address!r} is not a question")
        raw = field_values(visit.request.form, question)
        try:
            result = answer(self.tree, draft.state, address, raw, visit.today)
        except StepNotOnPathError:
            return self._onward(visit, draft)
        saving = self.resume is not None and "save" in visit.request.form
        if result.error is not None:
            if saving:  # keep what is already saved; this page's answer is not valid yet
                return self._saved(visit, draft)
            self._event(visit, "validation_error", address, result.error.code)
            return self._question(visit, view, raw, result.error)
        if not self._store(draft.id, result.state):
            return self._closed(visit)
        self._event(visit, "question_answered", address)
        if saving:
            return self._saved(visit, draft)
        return WebResponse.redirect(self._next_location(visit, result.state, change=visit.change))

    def _question(
        self, visit: Visit, view: StepView, value: Any, error: FieldError | None
    ) -> WebResponse:
        form = self._form(visit, step_href(visit.base, view.step.address, change=visit.change))
        page = question_page(view, form, value=value, error=error, can_save=self._can_save)
        return self._step_page(visit, "question.html", page, has_errors=error is not None)

    def _add_another(
        self, visit: Visit, draft: Draft, view: StepView, group: Group
    ) -> WebResponse:
        address = view.step.address
        if visit.request.method != "POST":
            self._event(visit, "question_viewed", address)
            return self._add_another_page(visit, view, None)
        removing = first_value(visit.request.form, "remove")
        if removing is not None:  # a form of an earlier release: ask first, remove nothing
            return WebResponse.redirect(visit.url(f"{group.id}/remove/{removing}"))
        choice = first_value(visit.request.form, "add")
        if choice in ("yes", "no"):
            state = add_another(self.tree, draft.state, group.id, choice == "yes", visit.today)
            if not self._store(draft.id, state):
                return self._closed(visit)
            self._event(visit, "question_answered", address)
            return WebResponse.redirect(self._next_location(visit, state, change=visit.change))
        error = add_another_error(group)
        self._event(visit, "validation_error", address, error.code)
        return self._add_another_page(visit, view, error)

    def _add_another_page(
        self, visit: Visit, view: StepView, error: FieldError | None
    ) -> WebResponse:
        form = self._form(visit, step_href(visit.base, view.step.address, change=visit.change))
        page = add_another_page(view, form, error=error, can_save=self._can_save)
        return self._step_page(visit, "add_another.html", page, has_errors=error is not None)

    def _remove(self, visit: Visit, draft: Draft, params: Mapping[str, str]) -> WebResponse:
        """"Are you sure you want to remove Child 2?": GET asks; POST "yes" removes repetition
        ``number`` (counting from 1), "no" keeps it; either way back to the list."""
        group = self.tree.group_index.get(params["group"])
        number = int(params["number"]) if params["number"].isdigit() else 0
        route = walk(self.tree, draft.state, visit.today)
        listing = f"{params['group']}[+]"
        step = next((s for s in route.steps if s.address == listing), None)
        if group is None or step is None or not 1 <= number <= (step.index or 0):
            return self._onward(visit, draft)
        view = self._view(visit, draft, step)
        back_to_list = WebResponse.redirect(step_href(visit.base, listing, change=visit.change))
        posted = visit.request.method == "POST"
        choice = first_value(visit.request.form, "remove") if posted else None
        if choice == "no":
            return back_to_list
        if choice == "yes":
            try:
                state = remove_repeat(self.tree, draft.state, group.id, number - 1)
            except StepNotOnPathError:  # at the group's minimum: nothing to remove
                return back_to_list
            return back_to_list if self._store(draft.id, state) else self._closed(visit)
        has_error = posted
        action = step_href(visit.base, f"{group.id}/remove/{number}") + (
            CHANGE_QUERY if visit.change else ""
        )
        page = remove_page(view, self._form(visit, action), number=number,
                           error=remove_error() if has_error else None)  # fmt: skip
        return self._step_page(visit, "remove.html", page, has_errors=has_error)

    # -- evidence, check your answers, sending -----------------------------------------------

    def _evidence(self, visit: Visit, draft: Draft, params: Mapping[str, str]) -> WebResponse:
        route = walk(self.tree, draft.state, visit.today)
        if self.evidence is None or route.ending != "end":
            return self._onward(visit, draft)
        action = step_href(visit.base, EVIDENCE_PATH, change=visit.change)
        last = route.steps[-1].address if route.steps else None
        page = evidence_frame(
            self._form(visit, action), base=visit.base, last_address=last, change=visit.change
        )
        return self.evidence.handle(
            visit.request, draft.id, page=page, next_href=visit.url("check")
        )

    def _check(self, visit: Visit, draft: Draft, params: Mapping[str, str]) -> WebResponse:
        route = walk(self.tree, draft.state, visit.today)
        if route.ending != "end":
            return self._onward(visit, draft)
        if visit.request.method == "POST":
            return self._send(visit, draft)
        rows = summary(self.tree, draft.state, visit.today)
        sections = check_answers_sections(self.tree, rows, visit.base)
        last = route.steps[-1].address if route.steps else None
        if self.evidence is not None:
            change_files = step_href(visit.base, EVIDENCE_PATH, change=True)
            files = self.evidence.check_answers_files(draft.id)
            sections.append(
                {"title": None, "evidence": True, "files": files, "change_href": change_files}
            )
            last = EVIDENCE_PATH
        back_href = step_href(visit.base, last) if last else None
        chosen = declaration(self.tree, draft.state, visit.today)
        page = check_answers_page(
            sections, self._form(visit, visit.url("check")), back_href=back_href,
            declaration=chosen.text if chosen else None,
        )  # fmt: skip
        return self._page(*self._render("check_answers.html", page))

    def _send(self, visit: Visit, draft: Draft) -> WebResponse:
        """Store the request and queue its delivery, then show its reference."""
        self.csrf.token(visit.request)  # refuse a form posted without the host's token
        referrer_id = self.options.referrer_id(visit.request)
        files = self.evidence.summaries(draft.id) if self.evidence else []
        tree, state, today = self.tree, draft.state, visit.today
        sent = self.submitter.submit(
            lambda *, id, reference, submitted_at: snapshot(
                tree, state, today=today, id=id, reference=reference,
                submitted_at=submitted_at, referrer_id=referrer_id, evidence=files,
            ),
            draft_id=draft.id,
        )  # fmt: skip
        self.drafts.mark_submitted(draft.id, sent.reference)
        self._event(visit, "submitted")
        return WebResponse.redirect(visit.url("confirmation"))

    # -- other pages -------------------------------------------------------------------------

    def _tasks(self, visit: Visit, draft: Draft, params: Mapping[str, str]) -> WebResponse:
        """The optional task list: every section with its status, linking to where to go."""
        page = task_list_page(
            tasks(self.tree, draft.state, visit.today), visit.base, heading=self.service_name
        )
        return self._page(*self._render("task_list.html", page))

    def _exit(self, visit: Visit, draft: Draft, params: Mapping[str, str]) -> WebResponse:
        exit_id = params["exit_id"]
        route = walk(self.tree, draft.state, visit.today)
        ending = self.tree.exit_index.get(exit_id)
        if ending is None or route.ending != f"exit:{exit_id}":
            return self._onward(visit, draft)
        last = route.steps[-1].address if route.steps else None
        page = exit_page(
            ending,
            back_href=step_href(visit.base, last) if last else None,
            front_door_phone=self.copy.exit.phone or self.options.front_door_phone,
            emergency=self.copy.exit.emergency,
        )
        self._event(visit, "exit_page", exit_id)
        return self._page(*self._render("exit.html", page))

    def _confirmation(self, visit: Visit, params: Mapping[str, str]) -> WebResponse:
        reference = self.drafts.submitted(visit.draft_id) if visit.draft_id else None
        if reference is None:
            return self._forget(visit)
        page = confirmation_page(
            reference, copy_href=visit.url("copy"), confirmation=self.copy.confirmation
        )
        # The session keeps the (now read-only) draft so the copy link works; starting again
        # makes a new draft.
        return self._page(*self._render("confirmation.html", page))

    def _copy(self, visit: Visit, params: Mapping[str, str]) -> WebResponse:
        """Exactly what was sent, to print or save: the referrer's record of their request."""
        sent = self.submitter.sent(visit.draft_id) if visit.draft_id else None
        if sent is None:
            return self._forget(visit)
        titles = {section.id: section.title for section in self.tree.sections}
        request_html = render_request_html(sent, section_titles=titles, renderer=self.renderer)
        page = copy_page(sent.reference, request_html, back_href=visit.url("confirmation"))
        return self._page(*self._render("copy.html", page))

    # -- save and come back later ------------------------------------------------------------

    def _saved(self, visit: Visit, draft: Draft) -> WebResponse:
        """A new resume link, shown once. The draft stays in the session too, so the person can
        simply carry on in this browser."""
        if self.saving is None:  # pragma: no cover - callers check
            raise ConfigurationError("saving needs FormFlow(resume=ResumeTokens(...))")
        try:
            token = self.saving.tokens.issue(draft.id)
        except TokenError:  # sent meanwhile: there is nothing left to come back to
            return self._closed(visit)
        self._event(visit, "saved")
        return self.saving.saved(visit, token, partial(self._form, visit))

    def _email_link(self, visit: Visit, draft: Draft, params: Mapping[str, str]) -> WebResponse:
        sent = (
            self.saving.email_link(visit, draft.id, partial(self._form, visit))
            if self.saving is not None
            else None
        )
        return self._onward(visit, draft) if sent is None else sent

    def _resume(self, visit: Visit, params: Mapping[str, str]) -> WebResponse:
        if self.saving is None:  # pragma: no cover - routed only with resume tokens
            return self._not_found()
        response = self.saving.resume(visit, params, self._form(visit, visit.url("resume")))
        if response.location is not None:
            self._event(visit, "resumed")
        return response

    # -- helpers ------------------------------------------------------------------------------

    def _view(self, visit: Visit, draft: Draft, step: Step) -> StepView:
        return StepView(
            self.tree, draft.state, step, visit.today, visit.base, visit.change,
            progress_style=self.progress_style, progress_shown=visit.progress_shown,
        )  # fmt: skip

    def _render(self, template: str, page: dict[str, Any]) -> tuple[Markup, str]:
        return render_page(self.renderer, template, page)

    def _step_page(
        self, visit: Visit, template: str, page: dict[str, Any], *, has_errors: bool
    ) -> WebResponse:
        """A step's page; the session keeps the highest the progress bar has shown."""
        html, title = self._render(template, page)
        response = self._page(html, title, has_errors=has_errors)
        shown = page["progress"]["percent"] if page.get("progress") else None
        if shown is None:
            return response
        return replace(response, session={PROGRESS_SESSION_KEY: max(shown, visit.progress_shown)})

    @property
    def _can_save(self) -> bool:
        return self.resume is not None

    def _form(self, visit: Visit, action: str) -> FormTarget:
        """Where a page's form posts; refuses without the host's CSRF token unless opted out."""
        return FormTarget(action, self.csrf.field, self.csrf.token(visit.request))

    def _page(self, html: Markup, title: str, *, has_errors: bool = False) -> WebResponse:
        return WebResponse.page(
            html, ("Error: " if has_errors else "") + title, status=400 if has_errors else 200
        )

    def _forget(self, visit: Visit) -> WebResponse:
        """No draft to show: back to the start, and the session forgets the draft."""
        return WebResponse.redirect(visit.url(), session={DRAFT_SESSION_KEY: None})

    def _not_found(self) -> WebResponse:
        return message_page(self.renderer, "Page not found", "Check the web address.", status=404)
