"""What the canned-query tests share about the fixture (tests/data/queries, see its README.md):
the municipalities, their points, and :func:`run`, which answers a query as plain values."""

from __future__ import annotations

import re
from typing import Any

from server.canned.running import run_canned_query
from tests.support import BuiltStore

ID = "https://w3id.org/regiograaf/id/"
DELFT, SCHIEDAM, WESTLAND, BRIELLE = "gm0503", "gm0606", "gm1783", "gm0501"
POINTS = {
    DELFT: "POINT(4.3571 52.0116)",
    SCHIEDAM: "POINT(4.3990 51.9196)",
    WESTLAND: "POINT(4.2110 51.9940)",
    BRIELLE: "POINT(4.1670 51.9000)",
}
#: The fixture's projects: real records p1..p8 and the invented examples x1, x2.
P1, P2, P3 = "fixture-delft-sensoren", "fixture-delft-energiedata", "fixture-schiedam-laadpalen"
P4, P5 = "fixture-westland-wateroverlast", "fixture-westland-energiedata"
P6, P7 = "fixture-schiedam-algoritmeregister", "fixture-brielle-kustdata"
P8 = "fixture-mrdh-glasvezel"
X1, X2 = "voorbeeld-westland-slimme-kassen", "voorbeeld-delft-kustmonitor"


def run(store: BuiltStore, name: str, **arguments: Any) -> list[dict[str, Any]]:
    """The answer as plain values, IRIs without the instance base, unbound left out."""
    result = run_canned_query(
        name, arguments, store=store.store, settings=store.settings, cache=None
    )
    return [
        {
            key: value.removeprefix(ID) if isinstance(value, str) else value
            for key, value in record.items()
            if value is not None
        }
        for record in result.records
    ]


def pieces(text: str) -> set[str]:
    """The parts of a text joined by GROUP_CONCAT (', ' or '; '), whose order SPARQL leaves
    undefined, as a set."""
    return set(re.split(r"[;,] ", text))
