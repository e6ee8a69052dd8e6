"""The question-tree engine: dynamic questions whose routes depend on earlier answers.

A pure library: it knows nothing of HTTP, SQL or HTML. Load a tree (YAML or JSON), check it, and
drive a journey through it with immutable states::

    tree = load_tree_file("request_for_support.yaml")
    assert check_tree(tree).ok
    state = start(tree)
    step = current_step(tree, state, today)
    result = answer(tree, state, step.address, "yes", today)
"""

from familyhubs_sdk.questiontree._checker import CheckReport as CheckReport
from familyhubs_sdk.questiontree._checker import Problem as Problem
from familyhubs_sdk.questiontree._checker import check_tree as check_tree
from familyhubs_sdk.questiontree._checker import mermaid as mermaid
from familyhubs_sdk.questiontree._conditions import Answer as Answer
from familyhubs_sdk.questiontree._copy import Confirmation as Confirmation
from familyhubs_sdk.questiontree._copy import Declaration as Declaration
from familyhubs_sdk.questiontree._copy import ExitContacts as ExitContacts
from familyhubs_sdk.questiontree._copy import FormCopy as FormCopy
from familyhubs_sdk.questiontree._engine import AnswerResult as AnswerResult
from familyhubs_sdk.questiontree._engine import ChangeResult as ChangeResult
from familyhubs_sdk.questiontree._engine import JourneyState as JourneyState
from familyhubs_sdk.questiontree._engine import Step as Step
from familyhubs_sdk.questiontree._engine import Walk as Walk
from familyhubs_sdk.questiontree._engine import add_another as add_another
from familyhubs_sdk.questiontree._engine import answer as answer
from familyhubs_sdk.questiontree._engine import back as back
from familyhubs_sdk.questiontree._engine import change as change
from familyhubs_sdk.questiontree._engine import current_step as current_step
from familyhubs_sdk.questiontree._engine import is_complete as is_complete
from familyhubs_sdk.questiontree._engine import path_answers as path_answers
from familyhubs_sdk.questiontree._engine import question_options as question_options
from familyhubs_sdk.questiontree._engine import remove_repeat as remove_repeat
from familyhubs_sdk.questiontree._engine import start as start
from familyhubs_sdk.questiontree._engine import walk as walk
from familyhubs_sdk.questiontree._loader import dump_tree as dump_tree
from familyhubs_sdk.questiontree._loader import load_tree as load_tree
from familyhubs_sdk.questiontree._loader import load_tree_file as load_tree_file
from familyhubs_sdk.questiontree._model import ExitPage as ExitPage
from familyhubs_sdk.questiontree._model import Group as Group
from familyhubs_sdk.questiontree._model import Option as Option
from familyhubs_sdk.questiontree._model import Outcome as Outcome
from familyhubs_sdk.questiontree._model import Question as Question
from familyhubs_sdk.questiontree._model import QuestionTree as QuestionTree
from familyhubs_sdk.questiontree._model import Route as Route
from familyhubs_sdk.questiontree._model import Section as Section
from familyhubs_sdk.questiontree._progress import Progress as Progress
from familyhubs_sdk.questiontree._progress import progress as progress
from familyhubs_sdk.questiontree._summary import IndicatedOutcome as IndicatedOutcome
from familyhubs_sdk.questiontree._summary import SummaryRow as SummaryRow
from familyhubs_sdk.questiontree._summary import declaration as declaration
from familyhubs_sdk.questiontree._summary import outcomes as outcomes
from familyhubs_sdk.questiontree._summary import summary as summary
from familyhubs_sdk.questiontree._validation import FieldError as FieldError
from familyhubs_sdk.questiontree._validation import RawValue as RawValue
from familyhubs_sdk.questiontree._versions import Migration as Migration
from familyhubs_sdk.questiontree._versions import migrate_state as migrate_state

__all__ = [
    "Answer",
    "AnswerResult",
    "ChangeResult",
    "CheckReport",
    "Confirmation",
    "Declaration",
    "ExitContacts",
    "ExitPage",
    "FieldError",
    "FormCopy",
    "Group",
    "IndicatedOutcome",
    "JourneyState",
    "Migration",
    "Option",
    "Outcome",
    "Problem",
    "Progress",
    "Question",
    "QuestionTree",
    "RawValue",
    "Route",
    "Section",
    "Step",
    "SummaryRow",
    "Walk",
    "add_another",
    "answer",
    "back",
    "change",
    "check_tree",
    "current_step",
    "declaration",
    "dump_tree",
    "is_complete",
    "load_tree",
    "load_tree_file",
    "mermaid",
    "migrate_state",
    "outcomes",
    "path_answers",
    "progress",
    "question_options",
    "remove_repeat",
    "start",
    "summary",
    "walk",
]
