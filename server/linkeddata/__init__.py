"""Linked data: the description of one resource (``/doc/...``) and the ontology docs (``/def/``).

May import :mod:`server.store`, :mod:`server.rdf`, settings and errors."""
