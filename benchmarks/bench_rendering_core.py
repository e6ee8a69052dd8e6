"""Cost of the SDK's rendering layer over plain Jinja, measured in the same run.

    python benchmarks/bench_rendering_core.py [--json]

Renders the notification banner through ``Renderer.render`` (ChoiceLoader lookup, filters, Markup
wrapping) and through a plain ``jinja2.Environment`` loading the same file, with the same context.
Prints a table, or with --json one JSON object on the last line: ``ours_us``, ``raw_jinja_us``,
``ratio_vs_raw_jinja``.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.resources import files
from pathlib import Path

import jinja2

sys.path.insert(0, str(Path(__file__).parent))
from _timing import median_us

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.rendering._attributes import html_attributes
from familyhubs_sdk.rendering._urls import safe_url

NAME = "familyhubs/components/notification_banner.html"
CONTEXT = {
    "params": {
        "titleText": "Important",
        "text": "Requests are answered within 2 working days & we'll call you.",
        "attributes": {"data-ref": "abc"},
    }
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    renderer = Renderer()
    raw = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(files("familyhubs_sdk") / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    raw.filters.update(safe_url=safe_url, html_attributes=html_attributes)
    assert renderer.render(NAME, **CONTEXT) == raw.get_template(NAME).render(**CONTEXT)

    ours = median_us(lambda: renderer.render(NAME, **CONTEXT))
    baseline = median_us(lambda: raw.get_template(NAME).render(**CONTEXT))
    result = {
        "ours_us": round(ours, 2),
        "raw_jinja_us": round(baseline, 2),
        "ratio_vs_raw_jinja": round(ours / baseline, 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{'renderer':<24}{'median µs':>12}")
        print(f"{'familyhubs Renderer':<24}{ours:>12.2f}")
        print(f"{'plain jinja2':<24}{baseline:>12.2f}")
        print(f"ratio ours / plain jinja2: {result['ratio_vs_raw_jinja']}")


if __name__ == "__main__":
    main()
