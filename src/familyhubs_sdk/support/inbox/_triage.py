"""What the receiving team needs to triage a request, read from its answers: a pure function.

:func:`triage_summary` turns a sent :class:`~familyhubs_sdk.support.SupportRequest` into a
:class:`TriageSummary` — the lead child's name and age, every area of need, the referrer's
organisation and the urgency and risk flags that :class:`TriageRules` derive from the answers.
Rules are data, so an LA with its own tree names its own questions and flags.

>>> from datetime import date
>>> from familyhubs_sdk.support.requests._request import RequestAnswer
>>> def answer(qid, value, raw):
...     return RequestAnswer(question_id=qid, address=qid, label=qid, value=value, raw=raw)
>>> request = SupportRequest(id="r1", reference="K7QD4RXA", tree_id="t", tree_version="1",
...     submitted_at=datetime(2026, 5, 1, tzinfo=UTC), referrer_id="u1", answers=[
...         answer("domestic_abuse_detail", "It is happening now", ["current"]),
...         answer("urgency", "Within 2 weeks", "two_weeks")])
>>> [flag.id for flag in triage_summary(request, today=date(2026, 5, 2)).flags]
['domestic_abuse_now', 'within_two_weeks']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from familyhubs_sdk.support.requests._request import RequestAnswer, SupportRequest

__all__ = [
    "DEFAULT_FLAGS",
    "TriageFlag",
    "TriageRules",
    "TriageSummary",
    "child_age_text",
    "days_between",
    "triage_summary",
]


@dataclass(frozen=True, slots=True)
class TriageFlag:
    """A flag raised when ``question`` was answered with any of ``any_of`` (option values).

    :param id: stable, for filters and links (``?flag=domestic_abuse_now``).
    :param label: as the team reads it on the list ("Domestic abuse now").
    """

    id: str
    label: str
    question: str
    any_of: tuple[str, ...]

    def raised_by(self, request: SupportRequest) -> bool:
        wanted = set(self.any_of)
        return any(wanted & set(_codes(a)) for a in request.answers_to(self.question))


#: The flag every tree gets when a child is under 1 or not yet born (from the birth and due dates).
UNDER_ONE = TriageFlag("under_one", "Child under 1", "", ())

#: The shipped tree's flags, most serious first. Its "immediate danger" and "significant harm"
#: questions stop the form, so those flags only show for trees that let such requests through.
DEFAULT_FLAGS: tuple[TriageFlag, ...] = (
    TriageFlag("immediate_danger", "Immediate danger", "immediate_danger", ("yes",)),
    TriageFlag("significant_harm", "Possible significant harm", "significant_harm", ("yes",)),
    TriageFlag("domestic_abuse_now", "Domestic abuse now", "domestic_abuse_detail", ("current",)),
    TriageFlag("within_two_weeks", "Support within 2 weeks", "urgency", ("two_weeks",)),
)


@dataclass(frozen=True, slots=True)
class TriageRules:
    """Which questions of the tree the inbox reads, and the flags it raises.

    The defaults fit the shipped tree (``support/trees/request_for_support.yaml``).
    """

    flags: tuple[TriageFlag, ...] = DEFAULT_FLAGS
    child_name: str = "child_name"
    child_birth_date: str = "child_birth_date"
    child_due_date: str = "child_due_date"
    needs: str = "needs"
    referrer_organisation: str = "referrer_organisation"
    #: The family's main contact: searched by name, not shown on the list.
    lead_contact: str = "lead_name"
    #: Raise :data:`UNDER_ONE` for a child under 1 or not yet born.
    flag_under_one: bool = True

    @property
    def all_flags(self) -> tuple[TriageFlag, ...]:
        """Every flag these rules can raise, in the order the list shows them."""
        return (*self.flags, UNDER_ONE) if self.flag_under_one else self.flags


@dataclass(frozen=True, slots=True)
class TriageSummary:
    """A request as the triage list needs it."""

    #: The first child's name, as the referrer typed it.
    lead_child: str | None
    #: The first child's birth date; ``None`` if not given (or not yet born).
    lead_child_born: date | None
    #: The first child's due date, when not yet born.
    lead_child_due: date | None
    #: Every area of need, as option values and as the referrer saw them.
    areas: tuple[str, ...] = ()
    area_labels: str | None = None
    referrer_organisation: str | None = None
    flags: tuple[TriageFlag, ...] = field(default=())
    #: Every child's name and the lead contact's, for the inbox's search (never shown as such).
    names: tuple[str, ...] = ()


def _codes(answer: RequestAnswer) -> list[str]:
    raw = answer.raw
    if isinstance(raw, list):
        return [str(code) for code in raw]
    return [str(raw)] if isinstance(raw, (str, int, bool)) else []


def _date(answer: RequestAnswer | None) -> date | None:
    if answer is None or not isinstance(answer.raw, str):
        return None
    try:
        return date.fromisoformat(answer.raw)
    except ValueError:
        return None


def _same_child(answers: Sequence[RequestAnswer], repeat: str | None) -> RequestAnswer | None:
    return next((a for a in answers if a.repeat == repeat), None)


def _under_one(born: date | None, due: date | None, today: date) -> bool:
    if due is not None and born is None:
        return True
    if born is None:
        return False
    try:
        first_birthday = born.replace(year=born.year + 1)
    except ValueError:  # born on 29 February
        first_birthday = date(born.year + 1, 3, 1)
    return today < first_birthday


def child_age_text(born: date | None, due: date | None, today: date) -> str | None:
    """ "4 years", "7 months", "Under 1 month" or "Not born yet"; ``None`` with no date."""
    if born is None:
        return "Not born yet" if due is not None else None
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    if months < 1:
        return "Under 1 month"
    if months < 24:
        return f"{months} month{'' if months == 1 else 's'}"
    return f"{months // 12} years"


def triage_summary(
    request: SupportRequest, *, today: date, rules: TriageRules | None = None
) -> TriageSummary:
    """What the triage list shows of ``request``, ``today`` giving ages and the under-1 flag."""
    rules = rules or TriageRules()
    names = request.answers_to(rules.child_name)
    lead = names[0] if names else None
    repeat = lead.repeat if lead else None
    born = _date(_same_child(request.answers_to(rules.child_birth_date), repeat))
    due = _date(_same_child(request.answers_to(rules.child_due_date), repeat))
    if born is not None:
        due = None
    needs = request.answers_to(rules.needs)
    organisation = request.answers_to(rules.referrer_organisation)
    flags = [flag for flag in rules.flags if flag.raised_by(request)]
    if rules.flag_under_one and any(
        _under_one(
            _date(_same_child(request.answers_to(rules.child_birth_date), child.repeat)),
            _date(_same_child(request.answers_to(rules.child_due_date), child.repeat)),
            today,
        )
        for child in names
    ):
        flags.append(UNDER_ONE)
    return TriageSummary(
        lead_child=lead.value if lead else None,
        lead_child_born=born,
        lead_child_due=due,
        areas=tuple(code for answer in needs for code in _codes(answer)),
        area_labels=", ".join(answer.value for answer in needs) or None,
        referrer_organisation=organisation[0].value if organisation else None,
        flags=tuple(flags),
        names=tuple(a.value for a in (*names, *request.answers_to(rules.lead_contact))),
    )


def days_between(start: datetime, end: datetime) -> int:
    """Whole days from ``start`` to ``end`` (0 on the same day), both read in UTC."""
    return max(0, (end.astimezone(UTC).date() - start.astimezone(UTC).date()).days)
