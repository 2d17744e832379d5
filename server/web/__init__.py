"""The web app: the factory (:mod:`~server.web.app`), the gunicorn application, what a request
works with (:mod:`~server.web.context`: settings, store, data version), the error handlers
(:mod:`~server.web.errors`), the HTTP policy applied to Flask's answers
(:mod:`~server.web.policy`), one blueprint per concern (pages, sparql, resources, catalog,
queries, openapi, maps, assets; page-building logic in plain modules beside them), templates
and static files.

Routes are thin: they choose a representation, tag it, and render it; errors are raised, never
answered in a route.

May import every domain folder (:mod:`server.sparql`, :mod:`server.canned`, :mod:`server.maps`,
:mod:`server.publish`, :mod:`server.linkeddata`, :mod:`server.build`) and below."""
