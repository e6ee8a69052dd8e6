"""Comparing published JSON Schemas with the models' own, whatever pydantic release is installed."""

from __future__ import annotations


def schema_meaning(schema: object) -> object:
    """The schema without what JSON Schema implies anyway, which pydantic releases differ in
    writing out: ``additionalProperties: true`` and a ``type`` beside a ``const`` or ``enum``."""
    if isinstance(schema, dict):
        kept = {k: schema_meaning(v) for k, v in schema.items()}
        if kept.get("additionalProperties") is True:
            del kept["additionalProperties"]
        if "type" in kept and ("const" in kept or "enum" in kept):
            del kept["type"]
        return kept
    if isinstance(schema, list):
        return [schema_meaning(item) for item in schema]
    return schema
