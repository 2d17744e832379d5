"""RDF building blocks: namespaces and prefixes, the IRI map, RDF formats, geometry.

Imports nothing else of ``server`` but :mod:`server.http` (the media types) and
:mod:`server.errors`; :mod:`server.settings` builds on it."""
