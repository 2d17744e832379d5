"""The Strategiescan (issue 14): one page per current MRDH member that answers the policy
advisor's questions — where the municipality stands on the value chain, which regional and
provincial goals its strategy and projects serve, where its gaps are, whom it can learn from
and with whom it could work.

Plain functions, no Flask: ``compute`` runs the ``queries/scan-*.rq`` canned queries and
``sections`` turns their rows into the values of ``model``; ``texts`` holds every word the
scan shows in Dutch and English; ``scale`` the colour scale of the numbers; ``document`` the
scan as one JSON document (and ``openapi`` its description); ``word`` and ``pdf`` the
downloads for the council.
"""
