"""What every framework adapter shares: the flow's protocol, the session keys, the page layout."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any, Protocol

from markupsafe import Markup
from pydantic import ValidationError

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.journey._web import FlowRequest, FlowResponse
from familyhubs_sdk.timeline._service import AccessReason
from familyhubs_sdk.timeline._web import ScreenRequest, ScreenResponse
from familyhubs_sdk.web._viewer import Viewer

__all__ = [
    "ACCESS_SESSION_KEY",
    "DRAFT_SESSION_KEY",
    "JOURNEY_SESSION_KEY",
    "Flow",
    "Layout",
    "Page",
    "default_layout",
    "keep_draft",
    "keep_reason",
    "screen_request",
    "signed_out",
]

#: The session key adapters keep the current draft id under.
DRAFT_SESSION_KEY = "familyhubs_draft_id"
#: The session key adapters keep the journey's analytics key under (never beside the draft).
JOURNEY_SESSION_KEY = "familyhubs_journey_key"
#: The session key adapters keep the viewer's reasons for access under, by subject id.
ACCESS_SESSION_KEY = "familyhubs_access_reasons"
#: How many records' reasons a session keeps; the oldest is asked again after that.
MAX_REMEMBERED_REASONS = 20


class Page(Protocol):
    """A rendered fragment and its page title (a journey or timeline screen response)."""

    @property
    def html(self) -> Markup: ...

    @property
    def title(self) -> str: ...


#: Builds a whole HTML page around a rendered fragment.
Layout = Callable[[Page], str]


class Flow(Protocol):
    """What an adapter needs of the journey: :class:`~familyhubs_sdk.support.journey.FormFlow`."""

    renderer: Renderer

    def handle(self, request: FlowRequest) -> FlowResponse: ...


class _HasRenderer(Protocol):
    renderer: Renderer


def default_layout(
    owner: _HasRenderer,
    *,
    service_name: str = "Request support for a family",
    stylesheets: tuple[str, ...] = (),
    scripts: tuple[str, ...] = (),
) -> Layout:
    """A layout that puts fragments in the SDK's plain GOV.UK page (``familyhubs/page.html``)."""

    def layout(response: Page) -> str:
        page: Markup = owner.renderer.render(
            "familyhubs/page.html",
            title=response.title,
            content=response.html,
            service_name=service_name,
            stylesheets=stylesheets,
            scripts=scripts,
        )
        return str(page)

    return layout


def keep_draft(session: MutableMapping[str, Any], response: FlowResponse) -> None:
    """Keep (or forget) the draft id and journey key a journey response names."""
    for key, value in (
        (DRAFT_SESSION_KEY, response.draft_id),
        (JOURNEY_SESSION_KEY, response.journey_key),
    ):
        if value is None:
            session.pop(key, None)
        else:
            session[key] = value


def screen_request(
    session: Mapping[str, Any],
    *,
    viewer: Viewer,
    method: str,
    path: str,
    base_path: str,
    form: Mapping[str, Sequence[str]],
    query: Mapping[str, Sequence[str]],
    csrf_token: str | None,
) -> ScreenRequest:
    """A timeline screen request, with the reasons for access this session has given."""
    reasons: dict[str, AccessReason] = {}
    for subject_id, raw in (session.get(ACCESS_SESSION_KEY) or {}).items():
        try:
            reasons[subject_id] = AccessReason.model_validate(raw)
        except ValidationError:
            continue  # a reason from an older release: the viewer is asked again
    return ScreenRequest(
        method=method,
        viewer=viewer,
        path=path,
        base_path=base_path,
        form=form,
        query=query,
        csrf_token=csrf_token,
        reasons=reasons,
    )


def keep_reason(session: MutableMapping[str, Any], response: ScreenResponse) -> None:
    """Keep the reason a response asks the session to remember (the newest last)."""
    if response.remember is None:
        return
    subject_id, reason = response.remember
    kept = {k: v for k, v in (session.get(ACCESS_SESSION_KEY) or {}).items() if k != subject_id}
    kept[subject_id] = reason.model_dump(mode="json")
    session[ACCESS_SESSION_KEY] = dict(list(kept.items())[-MAX_REMEMBERED_REASONS:])


def signed_out(layout: Layout) -> tuple[str, int]:
    """The page for a request with no signed-in viewer: the host's sign-in protects the screens."""
    html = Markup(
        '<h1 class="govuk-heading-l">Sign in to find a child</h1>'
        '<p class="govuk-body">You need to be signed in to search for a child\'s record.</p>'
    )
    return layout(ScreenResponse(html, "Sign in to find a child", 401)), 401
