"""Thin adapters that mount the request-for-support journey in Flask, Django or FastAPI.

Each adapter only translates HTTP: it builds a :class:`~familyhubs_sdk.support.web.FlowRequest`,
calls the flow, and answers with the framework's own response. Import the one you use; each needs
its extra (``pip install "familyhubs-sdk[flask]"`` and so on). Nothing else in the SDK imports them.
"""
