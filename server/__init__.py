"""Regiograaf: the knowledge graph of the MRDH digital strategy."""

from server.web.app import create_app

__all__ = ["create_app"]
