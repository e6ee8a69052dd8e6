"""The journey's words that belong to the form, not the SDK: service name, declarations, next steps.

A tree may carry a ``copy:`` section. The engine only holds and checks it (a declaration's
condition is a condition like any other) and picks the declaration that applies to a state; the
host's templates render it, with their own wording for anything left out.

>>> from datetime import date
>>> from familyhubs_sdk.questiontree import answer, declaration, load_tree, start
>>> tree = load_tree('''
... id: tiny
... version: "1"
... title: Tiny
... start: consent
... questions:
...   - {id: consent, kind: yes_no, label: "Has the family agreed?"}
... copy:
...   service_name: Ask for early help
...   declarations:
...     - {when: {equals: [consent, "yes"]}, text: The family has agreed to this request.}
...     - {text: You are sending this request without the family's agreement.}
... ''')
>>> state = answer(tree, start(tree), "consent", "no", date(2026, 1, 1)).state
>>> declaration(tree, state, date(2026, 1, 1)).text
"You are sending this request without the family's agreement."
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from familyhubs_sdk.questiontree._conditions import Condition, parse_condition
from familyhubs_sdk.questiontree._frozen import Frozen

__all__ = [
    "Confirmation",
    "Declaration",
    "ExitContacts",
    "FormCopy",
    "Paragraphs",
]


def _paragraphs(value: Any) -> Any:
    """A single string is one paragraph: ``body: Call 999.`` reads as the author means it."""
    return [value] if isinstance(value, str) else value


#: One or more paragraphs: a list of strings, or one string for a single paragraph.
Paragraphs = Annotated[
    tuple[Annotated[str, Field(min_length=1)], ...], BeforeValidator(_paragraphs)
]


class Declaration(Frozen):
    """What the person sending confirms on check your answers; shown when ``when`` holds (or
    always, when it has no ``when``)."""

    when: Any = None
    text: str = Field(min_length=1)

    @cached_property
    def condition(self) -> Condition | None:
        return None if self.when is None else parse_condition(self.when, "when")


class Confirmation(Frozen):
    """The page shown once the request is safely stored."""

    title: str | None = Field(default=None, min_length=1)
    #: Paragraphs under the reference number: what happens next.
    next_steps: Paragraphs = ()
    #: When the team will be in touch, e.g. "within 5 working days".
    response_time: str | None = Field(default=None, min_length=1)


class ExitContacts(Frozen):
    """Numbers shown on exit pages that ask for them."""

    #: The LA's front door (children's services) number.
    phone: str | None = Field(default=None, min_length=1)
    #: The emergency number, "999" in the UK.
    emergency: str | None = Field(default=None, min_length=1)


class FormCopy(Frozen):
    """The ``copy:`` section of a tree. Every part is optional: what is left out is the host
    templates' own wording."""

    #: The service's name, in the header and page titles ("Ask for early help").
    service_name: str | None = Field(default=None, min_length=1)
    #: After the service name in every page title: "… – Ask for early help – GOV.UK".
    title_suffix: str | None = Field(default=None, min_length=1)
    #: Tried in order on check your answers; the first whose condition holds is shown.
    declarations: tuple[Declaration, ...] = ()
    confirmation: Confirmation = Field(default_factory=Confirmation)
    exit: ExitContacts = Field(default_factory=ExitContacts)
