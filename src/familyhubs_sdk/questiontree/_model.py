"""The question tree: questions, repeating groups, routes, exit pages and outcomes (frozen)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal, Self

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from familyhubs_sdk.questiontree._cache import TreeCache
from familyhubs_sdk.questiontree._conditions import Condition, parse_condition
from familyhubs_sdk.questiontree._copy import FormCopy, Paragraphs
from familyhubs_sdk.questiontree._dates import DateBound, parse_bound
from familyhubs_sdk.questiontree._frozen import Frozen
from familyhubs_sdk.questiontree._kinds import (
    KIND_SETTINGS,
    date_bounds_problem,
    number_bounds_problem,
)
from familyhubs_sdk.questiontree._messages import ERROR_CODES, codes_for

__all__ = [
    "END",
    "END_REPEAT",
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
#: A route or ``next`` to this target finishes the journey (check answers comes next). Inside a
#: group it is written ``end_form``: it leaves the group, and the form ends.
END = "end"
#: Inside a group: this repetition is over ("add another?" comes next). The way on after a
#: group's last question.
END_REPEAT = "end_repeat"
#: How ``end`` is written inside a group, where a bare ``end`` would be ambiguous.
END_FORM = "end_form"
#: A target ``exit:<id>`` stops the journey at an exit page.
EXIT_PREFIX = "exit:"
YES_NO = (("yes", "Yes"), ("no", "No"))


class Option(Frozen):
    """One answer to a choice question."""

    value: Id
    label: str = Field(min_length=1)
    hint: str | None = None
    #: "None of these": selecting it clears the others (multiple choice only).
    exclusive: bool = False


class Route(Frozen):
    """Go to ``goto`` when ``when`` holds; routes are tried in order."""

    when: Any
    goto: str

    @cached_property
    def condition(self) -> Condition:
        return parse_condition(self.when, "when")


class Question(Frozen):
    """One question. ``next`` defaults to the following question in its list."""

    id: Id
    kind: QuestionKind
    label: str = Field(min_length=1)
    hint: str | None = None
    #: Prompt text shown above the question, e.g. to widen the professional's view of the family.
    guidance: str | None = None
    section: str | None = None
    #: What the answer is called inside a sentence, for error messages: "the child’s date of
    #: birth" gives "Enter the child’s date of birth" and "The child’s date of birth must include
    #: a month". Without it, messages use a neutral name ("the date", "an answer").
    short_label: str | None = Field(default=None, min_length=1)
    required: bool = True
    options: tuple[Option, ...] = ()
    #: Choice questions: one option per repetition of these groups on the path before the
    #: question ("Sam", "Alex"), before the fixed ``options``; values ``children_1``, … .
    options_from: tuple[Id, ...] = ()
    #: Text questions only.
    max_length: int | None = Field(default=None, ge=1, le=100_000)
    #: Number questions: a number. Date questions: a date (``2020-09-01``) or an offset from
    #: today (``-25y``, ``+9m``, ``-2w``, ``+14d``, ``today``). Both ends are allowed.
    minimum: int | float | str | None = None
    maximum: int | float | str | None = None
    #: Number questions only: refuse decimals ("9.5").
    whole_number: bool = False
    #: Date questions only: must be in the past, or today or in the future.
    date_rule: Literal["past", "future"] | None = None
    #: Your own wording by error code, e.g. ``{"required": "Select if the family agreed"}``.
    messages: Mapping[str, str] = Field(default_factory=dict)
    routes: tuple[Route, ...] = ()
    next: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _yes_no_options(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("kind") == "yes_no" and not data.get("options"):
            return {**data, "options": [{"value": v, "label": label} for v, label in YES_NO]}
        return data

    @field_validator("minimum", "maximum", mode="before")
    @classmethod
    def _bound_shape(cls, value: Any) -> Any:
        # YAML reads 2020-09-01 as a date: keep its written form, so a dumped tree reads back equal.
        if isinstance(value, date):
            return value.isoformat()
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float | str)
        ):
            raise ValueError("a bound is a number, a date (2020-09-01) or an offset like -25y")
        return value

    @model_validator(mode="after")
    def _settings_fit_kind(self) -> Question:
        for key, kinds in KIND_SETTINGS.items():
            if getattr(self, key) not in (None, False, ()) and self.kind not in kinds:
                raise ValueError(f"{key} does not apply to a {self.kind} question")
        if self.options_from and not self.options:
            raise ValueError("options_from needs a fixed option too, for when nobody was added")
        if self.kind in CHOICE_KINDS and not self.options:
            raise ValueError(f"a {self.kind} question needs options")
        if self.kind not in CHOICE_KINDS and self.options:
            raise ValueError(f"a {self.kind} question cannot have options")
        if any(o.exclusive for o in self.options) and self.kind != "multiple_choice":
            raise ValueError("only multiple_choice questions can have an exclusive option")
        for code in self.messages:
            if code not in codes_for(self.kind):
                known = "" if code in ERROR_CODES else " (see the error codes in the docs)"
                raise ValueError(f"messages: a {self.kind} question has no error {code!r}{known}")
        if self.kind == "number":
            number_bounds_problem(self.minimum, self.maximum)
        if self.kind == "date":
            date_bounds_problem(self.minimum, self.maximum, self.date_rule)
        return self

    @property
    def number_bounds(self) -> tuple[float | None, float | None]:
        """A number question's least and greatest answers (``None`` where unbounded)."""
        low, high = self.minimum, self.maximum
        return (
            None if isinstance(low, str) else low,
            None if isinstance(high, str) else high,
        )

    @cached_property
    def date_bounds(self) -> tuple[DateBound | None, DateBound | None]:
        """A date question's earliest and latest dates, parsed (``None`` where unbounded)."""
        low, high = self.minimum, self.maximum
        return (
            parse_bound(low) if isinstance(low, str) else None,
            parse_bound(high) if isinstance(high, str) else None,
        )

    def option_label(self, value: str) -> str:
        """The label shown for an option value."""
        return next((o.label for o in self.options if o.value == value), value)


class Group(Frozen):
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
    #: Tried in order once the group is finished (after its last "add another?"); conditions
    #: read the top-level answers and aggregates over the group (``any_repeat``, ``count``).
    routes: tuple[Route, ...] = ()
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


class ExitPage(Frozen):
    """The journey stops here and says what to do instead."""

    id: Id
    title: str = Field(min_length=1)
    #: Paragraphs: a list of strings, or one string for a single paragraph.
    body: Paragraphs = ()
    #: Show the LA's front door number (from settings).
    show_front_door_phone: bool = False


class Outcome(Frozen):
    """A support type indicated when ``when`` holds."""

    id: Id
    label: str = Field(min_length=1)
    when: Any

    @cached_property
    def condition(self) -> Condition:
        return parse_condition(self.when, "when")


class Section(Frozen):
    """A caption shown above questions, and a heading on check your answers."""

    id: Id
    title: str = Field(min_length=1)


class QuestionTree(Frozen):
    """A whole request-for-support form."""

    # ``copy`` is BaseModel's own method, so the section is ``form_copy`` in Python; every dump
    # writes it as ``copy``, as the file does (pydantic 2.11 and newer: older releases dump
    # ``form_copy``, which is why that name is accepted too, so a dump always loads again).
    model_config = ConfigDict(
        frozen=True, extra="forbid", serialize_by_alias=True, populate_by_name=True
    )

    id: TreeId
    version: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    start: str
    sections: tuple[Section, ...] = ()
    questions: tuple[Question, ...] = Field(min_length=1)
    groups: tuple[Group, ...] = ()
    exits: tuple[ExitPage, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    #: Named conditions, written once and used by name wherever a condition goes.
    conditions: Mapping[Id, Any] = Field(default_factory=dict)
    #: The journey's own words (``copy:`` in the file): service name, declarations, next steps.
    form_copy: FormCopy = Field(default_factory=FormCopy, alias="copy")

    def model_post_init(self, context: Any, /) -> None:
        # Made with the tree, before any thread can share it (a cached_property's first use is
        # not guarded against threads on every Python).
        self._cache  # noqa: B018

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, with ``update`` applied to its fields; what is derived from the fields (indexes,
        the engine's caches) is worked out afresh for the copy, never carried over."""
        copied = super().model_copy(update=update, deep=deep)
        copied.model_post_init(None)
        return copied

    @cached_property
    def _cache(self) -> TreeCache:
        """The engine's derived data: never part of the tree's value, its dump or its equality."""
        return TreeCache(
            _following(self.questions), tuple(_following(g.questions) for g in self.groups)
        )

    @cached_property
    def named_conditions(self) -> Mapping[str, Condition]:
        """The named conditions, parsed (the loader has checked them)."""
        return {
            name: parse_condition(raw, f"conditions.{name}")
            for name, raw in self.conditions.items()
        }

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
        """Every place a question can lead: its routes' targets and its default next. In a
        group, ``end_repeat`` ends the repetition, ``end`` (written ``end_form``) ends the form and
        a top-level question or group leaves the group."""
        for route in question.routes:
            yield self.resolve(route.goto, siblings)
        yield self.resolve(self.default_next(question, siblings), siblings)

    def group_targets(self, group: Group) -> Iterator[str]:
        """Every place the end of a group can lead: its routes' targets and its ``next``."""
        for route in group.routes:
            yield route.goto
        yield group.next or END

    def resolve(self, target: str, siblings: tuple[Question, ...]) -> str:
        """A target as the engine reads it: ``end_form`` is the end of the form; the end of a
        group's list is ``end_repeat`` there."""
        if target == END_FORM:
            return END
        if target == END and siblings is not self.questions:
            return END_REPEAT
        return target


def next_after(question: Question, following: Mapping[str, str]) -> str:
    """Where ``question`` goes when no route matches: its ``next``, or the question after it in
    its list (``following``, from :meth:`QuestionTree._following`)."""
    return question.next if question.next is not None else following[question.id]


def _following(siblings: Sequence[Question]) -> Mapping[str, str]:
    ids = [q.id for q in siblings]
    return dict(zip(ids, [*ids[1:], END], strict=True))
