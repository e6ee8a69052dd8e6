"""The messages people expect: the referrer's receipt and status updates, the receiving team's
alert and the resume link — each a job in the transactional outbox, through GOV.UK Notify or SMTP.
"""

from familyhubs_sdk._config import MessageSettings as MessageSettings
from familyhubs_sdk.support.messages._compose import ComposedText as ComposedText
from familyhubs_sdk.support.messages._compose import MessageComposer as MessageComposer
from familyhubs_sdk.support.messages._kinds import MESSAGE_FIELDS as MESSAGE_FIELDS
from familyhubs_sdk.support.messages._kinds import Message as Message
from familyhubs_sdk.support.messages._kinds import MessageKind as MessageKind
from familyhubs_sdk.support.messages._sending import (
    OutboxResumeLinkSender as OutboxResumeLinkSender,
)
from familyhubs_sdk.support.messages._sending import ReferrerContact as ReferrerContact
from familyhubs_sdk.support.messages._sending import RequestMessages as RequestMessages
from familyhubs_sdk.support.messages._sending import referrer_contact as referrer_contact

__all__ = [
    "MESSAGE_FIELDS",
    "ComposedText",
    "Message",
    "MessageComposer",
    "MessageKind",
    "MessageSettings",
    "OutboxResumeLinkSender",
    "ReferrerContact",
    "RequestMessages",
    "referrer_contact",
]
