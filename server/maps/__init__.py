"""Maps: project, municipality and collaboration layers, the value-chain overview and the
alignment layout, as plain data computed with canned queries.

May import :mod:`server.canned`, :mod:`server.store`, :mod:`server.rdf`, settings and errors."""
