"""The colour scale of the scan's numbers: six steps from white to dark blue, each with a text
colour that has a contrast of at least 4.5:1 with it (WCAG 2.1 AA, 1.4.3).

The page and the PDF colour a cell with the class ``schaal-<step>`` (``server/web/static/
scan.css`` defines the same colours: a test compares them); the Word document shades its cells
with :data:`PALETTE` directly. No inline styles: the strict CSP forbids them.
"""

from __future__ import annotations

import math
from typing import Final

__all__ = ["PALETTE", "STEPS", "contrast", "step"]

#: Per step: (background, text colour) as ``#rrggbb``; step 0 is "none".
PALETTE: Final[tuple[tuple[str, str], ...]] = (
    ("#ffffff", "#1a1a1a"),
    ("#e4eef8", "#1a1a1a"),
    ("#bcd4ee", "#1a1a1a"),
    ("#7fa9db", "#1a1a1a"),
    ("#2f6db5", "#ffffff"),
    ("#0b3f7a", "#ffffff"),
)
#: The number of coloured steps above zero.
STEPS: Final = len(PALETTE) - 1


def step(value: float, top: float) -> int:
    """The step of ``value`` on a scale up to ``top``: 0 for zero (or less), else 1 to
    :data:`STEPS`, in equal parts of ``top``."""
    if value <= 0 or top <= 0:
        return 0
    return max(1, min(STEPS, math.ceil(STEPS * value / top)))


def _luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2.1, definition of relative luminance)."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index : index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
