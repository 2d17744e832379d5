"""The SPARQL 1.1 Protocol query operation: request parsing, the WSGI query layer in front of
Flask, query runs with time limits.

May import :mod:`server.store`, :mod:`server.http`, :mod:`server.rdf`, settings and errors."""
