"""Canned queries: ``queries/*.rq`` with a ``#+`` header, run with checked arguments, cached,
rendered as JSON, CSV and GeoJSON, and described in OpenAPI.

May import :mod:`server.store`, :mod:`server.rdf`, settings and errors."""
