"""The build: sources → parse (strict Turtle) → validate (SHACL, vocabulary) → infer (OWL 2 RL)
→ load into the store; also the validation reports and the municipal boundaries (geo import).

May import :mod:`server.store`, :mod:`server.rdf`, settings and errors."""
