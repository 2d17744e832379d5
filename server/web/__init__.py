"""The web app: factory, gunicorn application, blueprints (one per concern), templates, static.

May import every domain folder (:mod:`server.sparql`, :mod:`server.canned`, :mod:`server.maps`,
:mod:`server.publish`, :mod:`server.linkeddata`, :mod:`server.build`) and below."""
