"""View models of the journey's pages that are not a question (pure functions): check your
answers, the task list, exit pages, the evidence page's frame, confirmation, the copy of a sent
request, and "save and come back later".

Each builder returns the ``page`` dict its template under ``familyhubs/support/`` takes; wording
with markup lives in the templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup

from familyhubs_sdk.questiontree import Confirmation, ExitPage, QuestionTree, SummaryRow
from familyhubs_sdk.support.journey._pages import FormTarget
from familyhubs_sdk.support.journey._paths import step_href
from familyhubs_sdk.support.journey._tasks import Task

__all__ = [
    "EMAIL_FIELD",
    "RESUME_CODE_FIELD",
    "check_answers_page",
    "check_answers_sections",
    "confirmation_page",
    "copy_page",
    "evidence_frame",
    "exit_page",
    "resume_page",
    "saved_page",
    "task_list_page",
]

def _summary_row(row: SummaryRow, base: str) -> dict[str, Any]:
    key = f"{row.repeat_label}: {row.label}" if row.repeat_label else row.label
    return {
        "key": {"text": key},
        "value": {"text": row.value},
        "actions": {
            "items": [
                {
                    "href": step_href(base, row.address, change=True),
                    "text": "Change",
                    # The label as written: "DASH", "EHCP" stay as they are.
                    "visuallyHiddenText": key.rstrip("?"),
                }
            ]
        },
    }


def check_answers_sections(
    tree: QuestionTree, rows: Iterable[SummaryRow], base: str
) -> list[dict[str, Any]]:
    """The answers on the path as GOV.UK summary lists, one per section in path order, each
    row with a change link that comes back to check your answers."""
    sections: list[dict[str, Any]] = []
    for row in rows:
        section = tree.section_index.get(row.section or "")
        title = section.title if section else None  # the template's "Your answers"
        if not sections or sections[-1]["title"] != title or sections[-1].get("evidence"):
            sections.append({"title": title, "evidence": False, "rows": []})
        sections[-1]["rows"].append(_summary_row(row, base))
    return sections


def check_answers_page(
    sections: Sequence[dict[str, Any]],
    form: FormTarget,
    *,
    back_href: str | None,
    declaration: str | None = None,
) -> dict[str, Any]:
    """The page model of ``familyhubs/support/check_answers.html``; ``declaration`` is the
    form's (its ``copy.declarations``, chosen by the answers), else the template's own words."""
    return {
        "back_href": back_href,
        "errors": [],
        "progress": None,
        "caption": None,
        "sections": list(sections),
        "declaration": declaration,
        **form.fields(),
    }


def task_list_page(tasks: Iterable[Task], base: str, *, heading: str) -> dict[str, Any]:
    """The page model of ``familyhubs/support/task_list.html``: a link only where a person
    can go; ``heading`` is the service's name."""
    return {
        "heading": heading,
        "title": heading,
        "tasks": [
            {
                "title": task.title,
                "status": task.status,
                "href": step_href(base, task.address) if task.address else None,
            }
            for task in tasks
        ],
    }


def exit_page(
    ending: ExitPage,
    *,
    back_href: str | None,
    front_door_phone: str,
    emergency: str | None = None,
) -> dict[str, Any]:
    """The page model of ``familyhubs/support/exit.html``, with the LA's front door number
    (and the emergency number, when the form gives one) when the exit page asks for it."""
    phone = front_door_phone if ending.show_front_door_phone else ""
    return {
        "back_href": back_href,
        "errors": [],
        "progress": None,
        "caption": None,
        "heading": ending.title,
        "title": ending.title,
        "paragraphs": ending.body,
        "phone": phone,
        "phone_href": re.sub(r"[^\d+]", "", phone),
        "emergency": emergency if phone else None,
        "emergency_href": re.sub(r"[^\d+]", "", emergency or ""),
    }


def evidence_frame(
    form: FormTarget, *, base: str, last_address: str | None, change: bool
) -> dict[str, Any]:
    """The frame of the evidence page (the page itself is the evidence step's): back to check
    your answers when changing, else to the last question."""
    if change:
        back_href: str | None = f"{base}/check"
    else:
        back_href = step_href(base, last_address) if last_address else None
    return {"back_href": back_href, "progress": None, "caption": None, **form.fields()}


def confirmation_page(
    reference: str, *, copy_href: str, confirmation: Confirmation | None = None
) -> dict[str, Any]:
    """The page model of ``familyhubs/support/confirmation.html``: shown only once the request
    is stored. ``confirmation`` is the form's own words (its ``copy.confirmation``): a title,
    what happens next and when; the template words whatever it leaves out."""
    words = confirmation or Confirmation()
    return {
        "heading": words.title,
        "reference": reference,
        "next_steps": list(words.next_steps),
        "response_time": words.response_time,
        "copy_href": copy_href,
    }


def copy_page(reference: str, request_html: Markup, *, back_href: str) -> dict[str, Any]:
    """The page model of ``familyhubs/support/copy.html``: the request exactly as it was sent
    (``request_html`` from :func:`~familyhubs_sdk.support.render_request_html`), to print."""
    return {
        "reference": reference,
        "request_html": request_html,
        "back_href": back_href,
    }


#: The saved page's "Email me this link" fields: the address, and the token posted back.
EMAIL_FIELD = "email"
_EMAIL_ID = "email"


def saved_page(
    link: str,
    *,
    expires: date,
    token: str = "",
    email_form: FormTarget | None = None,
    email: str = "",
    email_error: str | None = None,
    sent_to: str | None = None,
) -> dict[str, Any]:
    """The page model of ``familyhubs/support/saved.html``: the resume link, a full address
    to copy; with ``email_form`` (the host has a sender), "Email me this link". The link holds
    its token in the fragment (``…/resume#fhr1_…``), never in the path or query.

    :param email_error: ``"missing"``, ``"invalid"``, ``"not_sent"`` (the sender failed) or
        ``"too_many"`` (over the draft's email limit):
        worded in the template.
    :param sent_to: the address the link was just sent to.
    """
    errors = [{"code": email_error, "href": f"#{_EMAIL_ID}"}] if email_error else []
    return {
        "title": None,
        "link": link,
        "expires": expires,
        "back_href": None,
        "progress": None,
        "caption": None,
        "errors": errors,
        "email_error": email_error,
        "sent_to": sent_to,
        "can_email": email_form is not None and sent_to is None,
        "code": token,
        "code_field": RESUME_CODE_FIELD,
        "email_field": {"id": _EMAIL_ID, "name": EMAIL_FIELD, "value": email},
        **(email_form.fields() if email_form else {}),
    }


#: The form field the resume page posts the token (or a pasted link holding it) in.
RESUME_CODE_FIELD = "resume_code"
_RESUME_CODE_ID = "resume-code"


def resume_page(
    form: FormTarget,
    *,
    invalid: bool,
    start_href: str,
    code: str = "",
    missing: bool = False,
) -> dict[str, Any]:
    """The page model of ``familyhubs/support/resume.html``: a form that posts the token, or why
    it cannot be used.

    :param code: a token the server already has (from an older, path-style link), posted in a
        hidden field; otherwise the page has a box for the link or code, which the shipped
        ``familyhubs-resume.js`` fills from the link's fragment.
    :param missing: the form came back empty: say what to enter.
    """
    error = "missing" if missing else None  # worded in the template
    return {
        "invalid": invalid,
        "start_href": start_href,
        "back_href": None,
        "progress": None,
        "caption": None,
        "errors": [{"href": f"#{_RESUME_CODE_ID}"}] if error else [],
        "code": code,
        "code_field": {"id": _RESUME_CODE_ID, "name": RESUME_CODE_FIELD, "error": error},
        **form.fields(),
    }
