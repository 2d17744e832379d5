"""RDF building blocks: namespaces and prefixes, the IRI map, RDF formats, geometry.

Imports nothing else of ``server`` but :mod:`server.settings` and :mod:`server.errors`."""
