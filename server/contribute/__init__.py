"""Contributing without git: the write path of the graph store, tokens, ownership, history and
the change feed (DESIGN.md, "Data flow"). Plain Python, no Flask: the web layer
(:mod:`server.web.graph_store`, :mod:`server.web.bijdragen`, :mod:`server.web.feed`) and the CLI
(``regiograaf token``) call it.

- :mod:`.graphs`: contribution graph IRIs, files and folders;
- :mod:`.tokens`: write tokens (one organisation each, salted scrypt hashes) and
  :mod:`.throttle` (429 for a client that keeps guessing);
- :mod:`.writes`: PUT, POST and DELETE of a graph, validated, durable (:mod:`.files`), then
  built and served; :mod:`.reports` trims their validation reports;
- :mod:`.history`: every accepted version, by hash, and recovery after a crash;
  :mod:`.diff`: what changed between two versions;
- :mod:`.feed`: the versions as a Linked Data Event Stream.

The ownership rule itself is part of validation (:mod:`server.build.validation.ownership`), so
``regiograaf validate``, the build, the web page and the graph store apply the same rule.
"""
