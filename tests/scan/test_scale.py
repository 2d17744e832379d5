"""The colour scale: steps, WCAG 2.1 AA contrast of every step, and the page's stylesheet
declaring exactly the palette the Word document uses."""

from __future__ import annotations

import re

import pytest

from server.scan.scale import PALETTE, STEPS, contrast, step
from server.web.assets import STATIC


@pytest.mark.parametrize(
    ("value", "top", "expected"),
    [
        (0, 10, 0),
        (-1, 10, 0),
        (3, 0, 0),
        (0.5, 2, 2),
        (1, 2, 3),
        (2, 2, 5),
        (0.1, 19, 1),
        (19, 19, 5),
        (30, 19, 5),
    ],
)
def test_step(value: float, top: float, expected: int) -> None:
    assert step(value, top) == expected


def test_contrast_of_every_step() -> None:
    assert len(PALETTE) == STEPS + 1
    for background, text in PALETTE:
        assert contrast(background, text) >= 4.5, background
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert contrast("#777777", "#777777") == 1.0


def test_stylesheet_matches_palette() -> None:
    css = (STATIC / "scan.css").read_text(encoding="utf-8")
    declared = re.findall(
        r"\.scan \.schaal-(\d) \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}", css
    )
    assert [(int(n), bg, fg) for n, bg, fg in declared] == [
        (n, bg, fg) for n, (bg, fg) in enumerate(PALETTE)
    ]


def test_no_inline_styles_or_scripts_in_templates() -> None:
    """Strict CSP: the scan's templates carry no style attribute, no <style> and no inline
    script."""
    templates = STATIC.parent / "templates"
    for path in sorted(templates.glob("scan*.html")):
        text = path.read_text(encoding="utf-8")
        assert " style=" not in text and "<style" not in text, path.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path.name
        assert not re.search(r"\son[a-z]+=", text), path.name
