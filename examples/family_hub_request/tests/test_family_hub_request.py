"""The family hub request form: it passes ``familyhubs tree check``, and a health visitor's
request for a family expecting a baby completes through Flask's test client, using the form's
date bounds, whole numbers, named conditions, group routes and its own words."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from familyhubs_sdk.cli import main

flask = pytest.importorskip("flask")

from examples.family_hub_request.app import PREFIX, TREE_FILE, create_app  # noqa: E402


def test_the_form_passes_familyhubs_tree_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tree", "check", str(TREE_FILE)]) == 0
    assert "no problems" in capsys.readouterr().out


class _Client:
    """Flask's test client, posting each page's CSRF token as a browser would."""

    def __init__(self, tmp_path: Path) -> None:
        self.client = create_app(tmp_path).test_client()
        self.token = ""

    def get(self, step: str) -> str:
        response = self.client.get(f"{PREFIX}/{step}")
        assert response.status_code == 200, (step, response.status_code)
        page = response.get_data(as_text=True)
        found = re.search(r'name="csrf_token" value="([^"]*)"', page)
        self.token = found.group(1) if found else self.token
        return page

    def post(self, step: str, form: dict[str, object]) -> tuple[int, str]:
        self.get(step)
        response = self.client.post(f"{PREFIX}/{step}", data={**form, "csrf_token": self.token})
        return response.status_code, response.headers.get("Location") or response.get_data(
            as_text=True
        )


def _due(days: int) -> dict[str, str]:
    when = date.today() + timedelta(days=days)
    return {"answer-day": str(when.day), "answer-month": str(when.month),
            "answer-year": str(when.year)}  # fmt: skip


def test_a_request_for_a_family_expecting_a_baby_completes(tmp_path: Path) -> None:
    browser = _Client(tmp_path)
    start = browser.client.get(f"{PREFIX}/")
    assert start.headers["Location"] == f"{PREFIX}/immediate_danger"
    steps: list[tuple[str, dict[str, object], str]] = [
        ("immediate_danger", {"answer": "no"}, "consent"),
        # Without the family's agreement, the form asks why.
        ("consent", {"answer": "no"}, "no_consent_reason"),
        ("no_consent_reason", {"answer": "Asking first could put the mother at risk."},
         "referrer_name"),
        ("referrer_name", {"answer": "Sam Patel"}, "referrer_team"),
        ("referrer_team", {"answer": "North health visiting"}, "referrer_phone"),
        ("referrer_phone", {"answer": "01632 960 001"}, "parent_name"),
        ("parent_name", {"answer": "Alex Example"}, "adults_at_home"),
        ("adults_at_home", {"answer": "2"}, "children/1/child_name"),
        ("children/1/child_name", {"answer": "Unborn baby"}, "children/1/child_born"),
        ("children/1/child_born", {"answer": "no"}, "children/1/child_due_date"),
        ("children/1/child_due_date", _due(60), "children/add"),
        # The group's route: a family expecting a baby is asked about antenatal contact.
        ("children/add", {"add": "no"}, "antenatal_contact"),
        ("antenatal_contact", {"answer": "yes"}, "needs"),
        ("needs", {"answer": ["parent_wellbeing", "groups"]}, "epds_score"),
        ("epds_score", {"answer": "14"}, "perinatal_referral"),
        ("perinatal_referral", {"answer": "no"}, "hub_contact"),
        ("hub_contact", {"answer": "me"}, "anything_else"),
        ("anything_else", {"answer": ""}, "check"),
    ]  # fmt: skip
    for step, form, onward in steps:
        status, location = browser.post(step, form)
        assert (status, location) == (303, f"{PREFIX}/{onward}"), (step, location[:800])

    check = browser.get("check")
    # The declaration the answers call for: sent without the family's agreement.
    assert "without the family’s agreement for the reason you gave" in check
    assert "the family has agreed to it" not in check
    status, location = browser.post("check", {})
    assert (status, location) == (303, f"{PREFIX}/confirmation")
    confirmation = browser.get("confirmation")
    assert "<title>Request sent to the family hub – Ask a family hub for help – Exampleshire" in (
        confirmation
    )
    assert "We aim to contact you within 3 working days." in confirmation


@pytest.mark.parametrize(
    ("step", "form", "message"),
    [
        ("adults_at_home", {"answer": "1.5"}, "The number of adults must be a whole number"),
        ("adults_at_home", {"answer": "11"}, "The number of adults must be between 1 and 10"),
        ("children/1/child_due_date", None, "The due date must be between"),
    ],
)
def test_the_form_refuses_what_its_bounds_rule_out(
    tmp_path: Path, step: str, form: dict[str, object] | None, message: str
) -> None:
    browser = _Client(tmp_path)
    browser.client.get(f"{PREFIX}/")
    for earlier, answer in [
        ("immediate_danger", {"answer": "no"}), ("consent", {"answer": "yes"}),
        ("referrer_name", {"answer": "Sam"}), ("referrer_team", {"answer": "North"}),
        ("referrer_phone", {"answer": "01632 960 001"}), ("parent_name", {"answer": "Alex"}),
        ("adults_at_home", {"answer": "2"}), ("children/1/child_name", {"answer": "Baby"}),
        ("children/1/child_born", {"answer": "no"}),
    ]:  # fmt: skip
        if earlier == step:
            break
        assert browser.post(earlier, answer)[0] == 303, earlier
    status, page = browser.post(step, form or _due(400))  # a due date past 9 months
    assert status == 400
    assert message in page
