"""The question tree: questions, repeating groups, routes, exit pages and outcomes (frozen)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from familyhubs_sdk.questiontree._cache import TreeCache
from familyhubs_sdk.questiontree._conditions import Condition, parse_condition

__all__ = [
    "END",
    "EXIT_PREFIX",
    "ExitPage",
    "Group",
    "Option",
    "Outcome",
    "Question",
    "QuestionKind",
    "QuestionTree",
    "Route",
    "Section",
]

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
#: Tree ids may also use hyphens: ``request-for-support``.
TreeId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_\-]{0,99}$")]
QuestionKind = Literal[
    "single_choice",
    "multiple_choice",
    "yes_no",
    "short_text",
    "long_text",
    "number",
    "date",
    "email",
    "uk_phone",
    "postcode",
    "nhs_number",
]
CHOICE_KINDS = frozenset({"single_choice", "multiple_choice", "yes_no"})
#: A route or ``next`` to this target finishes the journey (check answers comes next).
END = "end"
#: A target ``exit:<id>`` stops the journey at an exit page.
EXIT_PREFIX = "exit:"
YES_NO = (("yes", "Yes"), ("no", "No"))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Frozen):
    """One answer to a choice question."""

    value: Id
    label: str = Field(min_length=1)
    hint: str | None = None
    #: "None of these": selecting it clears the others (multiple choice only).
    exclusive: bool = False


class Route(_Frozen):
    """Go to ``goto`` when ``when`` holds; routes are tried in order."""

    when: Any
    goto: str

    @cached_property
    def condition(self) -> Condition:
        return parse_condition(self.when, "when")


class Question(_Frozen):
    """One question. ``next`` defaults to the following question in its list."""

    id: Id
    kind: QuestionKind
    label: str = Field(min_length=1)
    hint: str | None = None
    #: Prompt text shown above the question, e.g. to widen the professional's view of the family.
    guidance: str | None = None
    section: str | None = None
    required: bool = True
    options: tuple[Option, ...] = ()
    max_length: int | None = Field(default=None, ge=1, le=100_000)
    minimum: float | None = None
    maximum: float | None = None
    #: For dates: must be in the past, or today or in the future.
    date_rule: Literal["past", "future"] | None = None
    #: Custom messages by error code, e.g. ``{"required": "Select if the family agreed"}``.
    messages: Mapping[str, str] = Field(default_factory=dict)
    routes: tuple[Route, ...] = ()
    next: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _yes_no_options(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("kind") == "yes_no" and not data.get("options"):
            return {**data, "options": [{"value": v, "label": label} for v, label in YES_NO]}
        return data

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Question:
        if self.kind in CHOICE_KINDS and not self.options:
            raise ValueError(f"a {self.kind} question needs options")
        if self.kind not in CHOICE_KINDS and self.options:
            raise ValueError(f"a {self.kind} question cannot have options")
        if any(o.exclusive for o in self.options) and self.kind != "multiple_choice":
            raise ValueError("only multiple_choice questions can have an exclusive option")
        return self

    def option_label(self, value: str) -> str:
        """The label shown for an option value."""
        return next((o.label for o in self.options if o.value == value), value)


class Group(_Frozen):
    """Questions asked once per family member ("add another"), between min and max times."""

    id: Id
    label: str = Field(min_length=1)
    #: What one repetition is called: "child", "adult".
    item_label: str = Field(min_length=1)
    #: The plural, when adding "s" is wrong: "children".
    item_label_plural: str | None = None
    section: str | None = None
    min_repeats: int = Field(default=0, ge=0, le=50)
    max_repeats: int = Field(default=10, ge=1, le=50)
    questions: tuple[Question, ...] = Field(min_length=1)
    next: str | None = None
    #: The question whose answer names a repetition in lists ("Sam Example").
    title_question: str | None = None

    @property
    def plural(self) -> str:
        """``item_label_plural``, or ``item_label`` with an "s"."""
        return self.item_label_plural or f"{self.item_label}s"

    @model_validator(mode="after")
    def _repeats_in_order(self) -> Group:
        if self.min_repeats > self.max_repeats:
            raise ValueError("min_repeats is more than max_repeats")
        return self


class ExitPage(_Frozen):
    """The journey stops here and says what to do instead."""

    id: Id
    title: str = Field(min_length=1)
    body: tuple[str, ...] = ()
    #: Show the LA's front door number (from settings).
    show_front_door_phone: bool = False


class Outcome(_Frozen):
    """A support type indicated when ``when`` holds."""

    id: Id
    label: str = Field(min_length=1)
    when: Any

    @cached_property
    def condition(self) -> Condition:
        return parse_condition(self.when, "when")


class Section(_Frozen):
    """A caption shown above questions, and a heading on check your answers."""

    id: Id
    title: str = Field(min_length=1)


class QuestionTree(_Frozen):
    """A whole request-for-support form."""

    id: TreeId
    version: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    start: str
    sections: tuple[Section, ...] = ()
    questions: tuple[Question, ...] = Field(min_length=1)
    groups: tuple[Group, ...] = ()
    exits: tuple[ExitPage, ...] = ()
    outcomes: tuple[Outcome, ...] = ()

    def model_post_init(self, context: Any, /) -> None:
        # Made with the tree, before any thread can share it (a cached_property's first use is
        # not guarded against threads on every Python).
        self._cache  # noqa: B018

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, with ``update`` applied to its fields; what is derived from the fields (indexes,
        the engine's caches) is worked out afresh for the copy, never carried over."""
        copied = super().model_copy(update=update, deep=deep)
        for name in copied.__dict__.keys() - type(self).model_fields.keys():
            del copied.__dict__[name]
        copied.model_post_init(None)
        return copied

    @cached_property
    def _cache(self) -> TreeCache:
        """The engine's derived data: never part of the tree's value, its dump or its equality."""
        return TreeCache(
            _following(self.questions), tuple(_following(g.questions) for g in self.groups)
        )

    @cached_property
    def question_index(self) -> Mapping[str, Question]:
        """Top-level questions by id."""
        return {q.id: q for q in self.questions}

    @cached_property
    def group_index(self) -> Mapping[str, Group]:
        return {g.id: g for g in self.groups}

    @cached_property
    def exit_index(self) -> Mapping[str, ExitPage]:
        return {e.id: e for e in self.exits}

    @cached_property
    def section_index(self) -> Mapping[str, Section]:
        return {s.id: s for s in self.sections}

    def default_next(self, question: Question, siblings: tuple[Question, ...]) -> str:
        """Where a question goes when no route matches."""
        return next_after(question, self._following(siblings))

    def _following(self, siblings: tuple[Question, ...]) -> Mapping[str, str]:
        """The question after each of ``siblings``: this tree's questions, one group's, or a list
        from elsewhere (worked out, not kept)."""
        cache = self._cache
        if siblings is self.questions:
            return cache.following_top
        for group, following in zip(self.groups, cache.following_groups, strict=True):
            if siblings is group.questions:
                return following
        return _following(siblings)

    def targets(self, question: Question, siblings: tuple[Question, ...]) -> Iterator[str]:
        """Every place a question can lead: its routes' targets and its default next."""
        for route in question.routes:
            yield route.goto
        yield self.default_next(question, siblings)


def next_after(question: Question, following: Mapping[str, str]) -> str:
    """Where ``question`` goes when no route matches: its ``next``, or the question after it in
    its list (``following``, from :meth:`QuestionTree._following`)."""
    return question.next if question.next is not None else following[question.id]


def _following(siblings: Sequence[Question]) -> Mapping[str, str]:
    ids = [q.id for q in siblings]
    return dict(zip(ids, [*ids[1:], END], strict=True))
