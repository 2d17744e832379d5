"""Search over the things of the graph a person looks for (projects, goals, strategies,
building blocks, action perspectives, challenges, value-chain stages, municipalities) and the
glossary of the words the pages use. Plain functions on a :class:`~server.store.Store`; the
pages are in :mod:`server.web.search` and :mod:`server.web.glossary`."""
