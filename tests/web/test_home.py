"""The home page leads a policy advisor to their municipality's Strategiescan and to the
contribution page (issue 14)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def _choices(client: FlaskClient) -> dict[str, str]:
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    listing = html.split('id="scan-gemeenten"', 1)[1].split("</ul>", 1)[0]
    return dict(re.findall(r'<a href="/scan/(gm[0-9]{4})">([^<]+)</a>', listing))


def test_every_current_member_has_its_scan_one_click_away(client: FlaskClient) -> None:
    choices = _choices(client)
    assert len(choices) == 21  # MRDH's members since Voorne aan Zee (2023)
    assert choices["gm0599"] == "Rotterdam" and choices["gm1992"] == "Voorne aan Zee"
    assert list(choices.values()) == sorted(choices.values(), key=str.casefold)
    for cbs in ("gm0599", "gm0503"):
        assert client.get(f"/scan/{cbs}").status_code == 200


def test_former_municipalities_are_not_offered(client: FlaskClient) -> None:
    # Brielle, Hellevoetsluis and Westvoorne merged into Voorne aan Zee in 2023.
    assert not {"gm0501", "gm0530", "gm0614"} & set(_choices(client))


def test_the_contribution_page_is_linked(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<a href="/bijdragen">Aanleveren</a>' in html
