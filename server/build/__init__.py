"""The build: sources → parse (strict Turtle) → validate (SHACL, vocabulary) → infer (OWL 2 RL)
→ load into the store; also the validation reports and the municipal boundaries (geo import).

Modules: ``sources`` (what is built, graph IRIs), ``turtle/`` (strict parsing with a line
index), ``validation/`` (SHACL and unknown terms, per file and line), ``vocabulary``,
``reports/`` (text, JSON, GitHub, JUnit, SARIF), ``inference``, ``pipeline`` (``build``),
``boundaries`` (``regiograaf geo``).

May import :mod:`server.store`, :mod:`server.rdf`, settings and errors."""
