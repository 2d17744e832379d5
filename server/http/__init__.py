"""HTTP building blocks without a web framework: media types and content negotiation.

Used by the WSGI query layer (:mod:`server.sparql`) and the Flask app (:mod:`server.web`).
Imports nothing else of ``server`` but :mod:`server.settings` and :mod:`server.errors`."""
