"""Shared test helpers: sample data, database URLs, Hypothesis strategies."""
