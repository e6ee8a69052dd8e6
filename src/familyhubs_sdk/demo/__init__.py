"""The demo portal behind ``familyhubs demo``: synthetic data only, bound to loopback."""
