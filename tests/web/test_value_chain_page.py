"""/waardeketen for people (server/web/templates/waardeketen.html): former municipalities
named as such in the Sankey, NL Design System tables, the figure's table stacked on phones."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_former_municipalities_are_marked_in_the_figure(client: FlaskClient) -> None:
    for lang, word in (("nl", "voormalig"), ("en", "former")):
        html = client.get(f"/waardeketen?lang={lang}").get_data(as_text=True)
        figure = html.split('<figure class="afstemming"', 1)[1].split("</figure>", 1)[0]
        labels = re.findall(r'text-anchor="end">([^<]+)</text>', figure)
        for name in ("Brielle", "Hellevoetsluis"):
            assert f"{name} ({word}) (1)" in labels
        assert "Delft (7)" in labels or any(label.startswith("Delft (") for label in labels)
        assert not [label for label in labels if label.startswith("Delft (" + word)]


def test_the_tables_are_nl_design_system_tables(client: FlaskClient) -> None:
    html = client.get("/waardeketen").get_data(as_text=True)
    for table in ("matrix", "afstemming"):
        assert re.search(rf'<table id="{table}" class="[^"]*\butrecht-table\b', html)
    # on a phone the Sankey's table stacks: each number named by its column
    row = html.split('<tr data-gemeente="gm0503"', 1)[1].split("</tr>", 1)[0]
    assert 'data-label="Projecten"' in row and 'data-label="Regionaal doel"' in row
    assert "regiograaf/scan.css" in html and 'class="utrecht-paragraph smal-alleen"' in html
