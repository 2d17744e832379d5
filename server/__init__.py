"""Regiograaf: the knowledge graph of the MRDH digital strategy.

``create_app`` is imported on first use, so that a command that needs no web layer
(``regiograaf validate``) does not load Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """``server.create_app``, imported when first asked for."""
    if name == "create_app":
        from server.web.app import create_app

        return create_app
    raise AttributeError(f"module 'server' has no attribute {name!r}")
