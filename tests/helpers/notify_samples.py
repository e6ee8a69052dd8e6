"""The Notify templates docs/delivery.md tells an LA to create, with made-up ids, and a key."""

from __future__ import annotations

import uuid

from familyhubs_sdk._config import NOTIFY_TEMPLATE_KEYS

#: A fixed test key: {name}-{service id}-{secret}.
API_KEY = (
    "familyhubs_test-11111111-2222-4333-8444-555555555555-66666666-7777-4888-9999-000000000000"
)
WRONG_KEY = (
    "familyhubs_test-11111111-2222-4333-8444-555555555555-deadbeef-7777-4888-9999-000000000000"
)

#: Template id per "{kind}_{medium}" key (stable across runs).
TEMPLATE_IDS = {
    key: str(uuid.uuid5(uuid.NAMESPACE_URL, f"familyhubs:{key}"))
    for key in sorted(NOTIFY_TEMPLATE_KEYS)
}

#: The bodies docs/delivery.md gives, with Notify's ((placeholders)).
BODIES = {
    "referrer_receipt_email": "((la_name)) has received your request for support. "
    "Your reference is ((reference)).",
    "referrer_receipt_sms": "((la_name)): we have your request for support. Reference ((reference)).",
    "team_alert_email": "A new request for support has arrived. Reference: ((reference)). ((link))",
    "resume_link_email": "Continue your request for support: ((link)) The link works until ((expires)).",
    "request_accepted_email": "((la_name)) has accepted your request for support ((reference)).",
    "request_accepted_sms": "((la_name)) accepted request ((reference)).",
    "request_declined_email": "((la_name)) has declined your request for support ((reference)). "
    "((show_reason??The reason given: ))((decline_reason))",
    "request_declined_sms": "((la_name)) declined request ((reference)). ((decline_reason))",
}

#: What the local Notify-shaped API knows: template id → body.
SERVER_TEMPLATES = {TEMPLATE_IDS[key]: body for key, body in BODIES.items()}
