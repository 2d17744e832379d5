"""Publishing: the DCAT catalog (its fixed statements in ``catalog*.ttl``), VoID, dumps and the
static export.

May import :mod:`server.linkeddata`, :mod:`server.store`, :mod:`server.rdf`, settings and errors."""
