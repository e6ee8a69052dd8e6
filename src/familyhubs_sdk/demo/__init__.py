"""The demo portal behind ``familyhubs demo``: synthetic data only, bound to loopback."""

# Nothing here is API: run the demo with ``familyhubs demo``.
__all__: list[str] = []
