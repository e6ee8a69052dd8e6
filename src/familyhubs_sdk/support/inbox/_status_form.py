"""The form that changes a request's status, and reading what it posts.

Only the moves allowed from where the request is are offered; a decline asks for its reason in a
GOV.UK conditional reveal, which without JavaScript is simply always shown. The form posts back
the status the team member saw, so a change a colleague made meanwhile is caught instead of
silently overtaken.

A host's status form handler, in outline::

    record = inbox.get(reference)
    choice = read_status_form(record, form)
    if not choice.errors:
        try:
            inbox.change_status(reference, choice.to, by=user_id, note=choice.note,
                                expected=choice.expected)
            return redirect(detail_url)
        except StatusChangeError as exc:  # a colleague got there first
            record, choice = inbox.get(reference), choice.refused(exc)
    html = render_status_form(record, action=..., csrf_token=token, choice=choice)
    title = ("Error: " if choice.errors else "") + status_form_title(record)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from markupsafe import Markup

from familyhubs_sdk.errors import ConfigurationError, StatusChangeError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.inbox._lifecycle import (
    NOTE_MAX_LENGTH,
    RequestRecord,
    RequestStatus,
    validate_move,
)
from familyhubs_sdk.support.inbox._render import STATUS_TAG_COLOURS, default_renderer

__all__ = ["StatusChoice", "read_status_form", "render_status_form", "status_form_title"]

_STATUS_ERROR = "#status"
_REASON_ERROR = "#decline-reason"

#: What each move is called on the status form, and what choosing it means.
_MOVE_TEXT: Mapping[RequestStatus, tuple[str, str]] = {
    RequestStatus.OPENED: ("Mark as opened", "Someone in the team is looking at it."),
    RequestStatus.ACCEPTED: ("Accept", "The family will be offered support."),
    RequestStatus.DECLINED: ("Decline", "You will need to say why."),
    RequestStatus.WITHDRAWN: ("Mark as withdrawn", "The referrer or the family asked to stop."),
}


def status_form_title(record: RequestRecord) -> str:
    """The status form's heading, for the page title too (the host adds "Error: " when the form
    shows errors)."""
    if record.allowed_moves:
        return f"What do you want to do with request {record.reference}?"
    return f"Request {record.reference} is {record.status.label.lower()}"


@dataclass(frozen=True, slots=True)
class StatusChoice:
    """What a team member posted on the status form, read and checked.

    When ``errors`` is empty, ``to`` is an allowed move and ``note`` the note to keep: pass both
    to :meth:`RequestInbox.change_status` with ``expected``. Otherwise show the form again with
    this choice, so what they typed is kept.
    """

    to: RequestStatus | None = None
    note: str | None = None
    #: The status the team member saw when they chose.
    expected: RequestStatus | None = None
    #: The decline reason as typed, to show again.
    reason: str = ""
    #: A decline reason was typed but another move chosen: the reason belongs to a decline
    #: only, so it is not kept; the host says so in its success banner (``done``).
    reason_not_kept: bool = False
    #: GOV.UK error summary items, ``{"text", "href"}``; each href is a field's id.
    errors: tuple[Mapping[str, str], ...] = field(default=())

    def refused(self, error: StatusChangeError) -> StatusChoice:
        """This choice, with the store's refusal (a colleague got there first) as its error."""
        text = str(error)
        return replace(self, errors=({"text": text[:1].upper() + text[1:], "href": _STATUS_ERROR},))


def _first(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or ()
    return values[0] if values else ""


def read_status_form(record: RequestRecord, form: Mapping[str, Sequence[str]]) -> StatusChoice:
    """Read the posted status form (fields each a list of values) against ``record`` as it is now.

    Refuses, with an error message for the team member, a choice that is missing or not allowed
    from where the request is, a decline without a reason, a reason that is too long, and a form
    filled in while the request was somewhere else.
    """
    posted, expected_value = _first(form, "status"), _first(form, "expected")
    reason = _first(form, "reason")
    expected = RequestStatus(expected_value) if expected_value in set(RequestStatus) else None
    choice = StatusChoice(expected=expected, reason=reason)
    if expected is not None and expected is not record.status:
        message = f"This request changed while you were looking: it is {record.status} now"
        return replace(choice, errors=({"text": message, "href": _STATUS_ERROR},))
    to = RequestStatus(posted) if posted in set(record.allowed_moves) else None
    if to is None:
        message = "Select what to do with this request"
        return replace(choice, errors=({"text": message, "href": _STATUS_ERROR},))
    try:
        note = validate_move(record.status, to, reason if to is RequestStatus.DECLINED else None)
    except StatusChangeError:
        too_long = len(reason.strip()) > NOTE_MAX_LENGTH
        message = (
            f"Reason for declining must be {NOTE_MAX_LENGTH} characters or fewer"
            if too_long
            else "Enter why you are declining this request"
        )
        return replace(choice, to=to, errors=({"text": message, "href": _REASON_ERROR},))
    dropped = to is not RequestStatus.DECLINED and bool(reason.strip())
    return replace(choice, to=to, note=note, reason_not_kept=dropped)


def render_status_form(
    record: RequestRecord,
    *,
    action: str,
    csrf_token: str | None,
    csrf_field: str = "csrf_token",
    csrf_exempt: bool = False,
    choice: StatusChoice | None = None,
    renderer: Renderer | None = None,
) -> Markup:
    """The status form for ``record``: only the moves allowed from its status are offered. A
    request whose status is final gets a sentence saying so instead of a form.

    :param csrf_token: the host's CSRF token, written into the form; the host checks it on POST.
        ``None`` refuses to render unless ``csrf_exempt=True``.
    :param choice: what was posted, from :func:`read_status_form`, to show it again with its
        errors.
    :raises ConfigurationError: no CSRF token and not ``csrf_exempt``.
    """
    if csrf_token is None and not csrf_exempt:
        raise ConfigurationError(
            "the status form needs the host's CSRF token (csrf_token=...); pass csrf_exempt=True "
            "only if POSTs are protected another way"
        )
    choice = choice or StatusChoice()
    return (renderer or default_renderer()).render(
        "familyhubs/support/status_form.html",
        record=record,
        title=status_form_title(record),
        action=action,
        csrf_field=csrf_field,
        csrf_token=csrf_token or "",
        moves=[(status, *_MOVE_TEXT[status]) for status in record.allowed_moves],
        chosen=choice.to,
        reason=choice.reason,
        # With no form to link to (the request's status is now final), errors are plain text.
        errors=[e if record.allowed_moves else {"text": e["text"]} for e in choice.errors],
        colours=STATUS_TAG_COLOURS,
        reason_max=NOTE_MAX_LENGTH,
    )
