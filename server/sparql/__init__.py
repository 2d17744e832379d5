"""The SPARQL 1.1 Protocol query operation: request parsing (:mod:`~server.sparql.protocol`),
the checks and rewrites of the query text (:mod:`~server.sparql.query_text`), the WSGI query
layer in front of Flask (:mod:`~server.sparql.operation`), query runs with time limits
(:mod:`~server.sparql.runs`) and the service description (:mod:`~server.sparql.description`).

May import :mod:`server.store`, :mod:`server.http`, :mod:`server.rdf`, settings and errors."""
