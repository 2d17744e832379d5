"""HTTP building blocks without a web framework: media types (:mod:`~server.http.media_types`),
content negotiation (:mod:`~server.http.negotiation`) and the HTTP policy of every answer
(:mod:`~server.http.policy`: ETag per representation, 304, caching, CORS, security headers).

Used by the WSGI query layer (:mod:`server.sparql`) and the Flask app (:mod:`server.web`) alike.
Imports nothing else of ``server`` but :mod:`server.errors`."""
