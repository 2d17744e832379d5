"""The media types Regiograaf reads and writes, each written once (IANA registered names).

Every module that names a media type imports it from here; :mod:`server.http.negotiation`
builds its offers from them.
"""

from __future__ import annotations

from typing import Final

#: SPARQL 1.1 Query Results JSON Format.
SPARQL_JSON: Final = "application/sparql-results+json"
#: SPARQL Query Results XML Format (Second Edition).
SPARQL_XML: Final = "application/sparql-results+xml"
#: SPARQL 1.1 Query Results CSV and TSV Formats.
CSV: Final = "text/csv"
TSV: Final = "text/tab-separated-values"
#: RDF 1.1 Turtle, N-Triples, N-Quads, TriG, JSON-LD 1.1 and RDF/XML.
TURTLE: Final = "text/turtle"
N_TRIPLES: Final = "application/n-triples"
N_QUADS: Final = "application/n-quads"
TRIG: Final = "application/trig"
JSON_LD: Final = "application/ld+json"
RDF_XML: Final = "application/rdf+xml"
#: Pages, plain JSON, plain text and XML (the sitemap).
HTML: Final = "text/html"
JSON: Final = "application/json"
TEXT: Final = "text/plain"
XML: Final = "application/xml"
#: GeoJSON (RFC 7946).
GEOJSON: Final = "application/geo+json"
#: A gzip-compressed file (RFC 6713): the compressed dump.
GZIP: Final = "application/gzip"
#: SARIF 2.1.0 (OASIS), the validation report for code-scanning tools.
SARIF: Final = "application/sarif+json"
#: A form with files (RFC 7578), as the validation page posts it.
MULTIPART: Final = "multipart/form-data"
#: The downloads of the Strategiescan: PDF (RFC 8118) and a Word document (Office Open XML).
PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: A SPARQL query or update sent directly in a POST body (SPARQL 1.1 Protocol §2.1.3, §2.2.2).
SPARQL_QUERY: Final = "application/sparql-query"
SPARQL_UPDATE: Final = "application/sparql-update"
#: URL-encoded parameters in a POST body (SPARQL 1.1 Protocol §2.1.2).
FORM: Final = "application/x-www-form-urlencoded"
