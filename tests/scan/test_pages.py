"""The scan over HTTP (Flask's test client on the scan fixture): the page in Dutch and English
with every section and its figures, the comparison, the index, the errors, caching."""

from __future__ import annotations

import html as html_module
import re
import threading
from dataclasses import replace
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from server.canned.running import RESULTS, canned_queries, check_arguments, run_checked
from server.messages import untranslated
from server.scan.compute import LANGUAGES, REGION_QUERIES, REGION_RESULTS, compute_scan
from server.scan.sections import alignment_section
from server.scan.texts import region_ranking
from server.sparql.operation import process_store
from server.store import QueryTimeout
from server.web.app import create_app
from server.web.context import get_settings, get_store
from server.web.scan import scan_page, warm_up
from tests.store.test_pool import ENDLESS, running_long
from tests.support import BuiltStore


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if values.get("id"):
            self.ids.append(str(values["id"]))


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def text_of(html: str) -> str:
    """The visible words of a page, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_scan_page(scan_client: FlaskClient) -> None:
    response = scan_client.get("/scan/gm9001")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "Strategiescan Aadorp" in text
    for heading in (
        "1. Strategie",
        "2. Positie in de waardeketen",
        "3. Gaten",
        "4. Samenwerkingskansen",
        "5. Aansluiting",
    ):
        assert heading in text
    # Strategy: documents with dates and sources, goals with their chains, open goals.
    assert "vastgesteld 1 maart 2024" in text
    assert "vervangen door Digitale agenda Aadorp" in text
    assert "nagekeken op 1 februari 2026" in text
    assert "Provinciale datadeling (provincie, Testprovincie; via Regionaal datastelsel)" in text
    assert "Geen aansluiting vastgelegd." in text
    assert "Provinciale netten" in text
    assert "Doelen uit verlopen of vervangen strategieën (1)" in text
    # Value chain: own number, median and maximum per stage, maturity.
    row = re.search(r'data-schakel="[^"]*/toepassingen">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r'class="[^"]*scan-getal (schaal-\d)">(.*?)</td>', row.group(1), re.S)
    assert [(cls, text_of(value).strip()) for cls, value in cells] == [
        ("schaal-3", "1 (waarvan 1 verzonnen)"),
        ("schaal-2", "0,5"),
        ("schaal-3", "1"),
    ]
    assert "niveau 3 van 5: Structureel inzetten" in text
    assert "niveau 1 van 5: Verkennen" in text
    # Gaps, partners, alignment.
    assert "2 andere MRDH-gemeenten doen hier projecten." in text
    assert "Leerlijn digitale vaardigheden" in text
    assert "allebei actief in Infrastructuur, voor Energie, Mobiliteit" in text
    assert "67% van de 3 projecten van Aadorp draagt bij" in text
    assert (
        "In de regio is de mediaan 50%, van 33% tot 67%; Aadorp staat op plaats 1 van de 3" in text
    )
    # Data version and the example notice; invented rows labelled.
    assert re.search(r"Gegevens van \d+ \w+ \d{4} \(dataversie [0-9a-f]{12}\)", text)
    assert 'id="voorbeeldmelding"' in html
    assert html.count('class="scan-voorbeeld"') >= 8
    assert "Voorbeeld: Parkeerapp Aadorp Voorbeeld" in text
    # Links: others' scans, resource pages, downloads; only http(s) outside.
    links = parse(html)
    assert "/scan/gm9002" in links.hrefs and "/scan/gm9001.pdf" in links.hrefs
    assert "/doc/project/beekdam-digicafe" in links.hrefs
    assert "/bijdragen" in links.hrefs
    for href in links.hrefs:
        assert href.startswith(("/", "#", "http://", "https://")), href
    assert len(links.ids) == len(set(links.ids))


def test_the_glossary_words_link_once_per_section(scan_client: FlaskClient) -> None:
    """Schakel, randvoorwaarde, bouwstenen, handelingsperspectieven and aansluiting link to
    /begrippen where the scan first uses them in a section, never inside another link or a
    table head."""
    html = scan_client.get("/scan/gm9001").get_data(as_text=True)
    sections = re.findall(r'<section id="(\w+)".*?</section>', html, re.S)
    assert sections == ["strategie", "waardeketen", "gaten", "samenwerking", "aansluiting"]
    for section in re.findall(r'<section id="\w+".*?</section>', html, re.S):
        words = re.findall(r'href="/begrippen#(\w+)"', section)
        assert len(words) == len(set(words))
        assert not re.search(r"<a [^>]*>[^<]*<a ", section)
        for head in re.findall(r"<thead.*?</thead>", section, re.S):
            assert "/begrippen" not in head
    gaps = html.split('<section id="gaten"', 1)[1].split("</section>", 1)[0]
    for word in ("schakel", "randvoorwaarde", "bouwsteen", "handelingsperspectief"):
        assert f'href="/begrippen#{word}"' in gaps
    assert 'href="/begrippen#aansluiting"' in html.split('<section id="aansluiting"', 1)[1]


def test_a_rank_is_claimed_only_where_the_shares_differ() -> None:
    """All members level (the real data without examples: all at 0%): no place; a share
    that others have too: a shared place."""
    level = alignment_section(
        [_share_row("a", 0), _share_row("b", 0), _share_row("c", 0)], "https://x/a"
    )
    text = region_ranking(level, "Aadorp", "nl", untranslated)
    assert "plaats" not in text
    assert text == (
        "In de regio hebben alle 3 gemeenten met projecten hetzelfde aandeel (0%); "
        "Aadorp staat dus gelijk met de andere."
    )
    shared = alignment_section(
        [_share_row("a", 50), _share_row("b", 50), _share_row("c", 10)], "https://x/a"
    )
    assert "op een gedeelde plaats 1 van de 3" in region_ranking(shared, "A", "nl", untranslated)
    alone = alignment_section([_share_row("a", 50), _share_row("b", 10)], "https://x/b")
    assert "staat op plaats 2 van de 2 gemeenten" in region_ranking(alone, "B", "nl", untranslated)


def _share_row(name: str, share: int) -> dict[str, object]:
    """A row of ``scan-aansluiting`` for member ``name`` with ``share`` percent."""
    return {
        "gemeente": f"https://x/{name}",
        "naam": name,
        "projecten": 2,
        "direct": 0,
        "indirect": 0,
        "aandeel": share,
        "voorbeelden": 0,
    }


def test_english(scan_client: FlaskClient) -> None:
    response = scan_client.get("/scan/gm9001?lang=en")
    text = text_of(response.get_data(as_text=True))
    assert "Strategy scan Aadorp" in text and "2. Position in the value chain" in text
    assert "Infrastructure" in text and "Scaled up" in text
    assert "67% of Aadorp's 3 projects contribute" in text
    assert "Strategiescan Aadorp" not in text
    assert 'lang="en"' in response.get_data(as_text=True)


def test_empty_states(scan_client: FlaskClient) -> None:
    text = text_of(scan_client.get("/scan/gm9004").get_data(as_text=True))
    assert "Er staat nog geen strategiedocument van Dijkhoven in Regiograaf." in text
    assert "Er staan nog geen doelen van Dijkhoven in Regiograaf." in text
    assert "Er staan nog geen projecten van Dijkhoven in Regiograaf." in text
    assert "Nog geen samenwerkingskansen" in text
    assert "Zonder projecten van Dijkhoven in Regiograaf is er geen aandeel te berekenen." in text
    assert text.count("Zo levert u gegevens aan") >= 5


def test_no_gaps_is_good_news(scan_client: FlaskClient) -> None:
    html = scan_client.get("/scan/gm9002").get_data(as_text=True)
    # Beekdam has a gap only in Toepassingen; Cortwijk only in Infrastructuur.
    assert text_of(html).count("MRDH-gemeenten doen hier projecten") == 1


def test_a_gap_lists_the_ten_most_experienced_and_counts_the_rest(client: FlaskClient) -> None:
    """The project's data: Albrandswaard has no project in the stage Data, where other members
    have 63 (27 of them invented examples)."""
    for lang, shown, more in (
        (
            "nl",
            "De 10 meest ervaren van de 63 projecten van andere MRDH-gemeenten in deze schakel. "
            "(waarvan 27 verzonnen)",
            "en nog 53 projecten op de projectenkaart",
        ),
        (
            "en",
            "The 10 most experienced of the 63 projects of other MRDH members in this stage. "
            "(27 of them invented)",
            "and 53 more projects on the project map",
        ),
    ):
        html = client.get(f"/scan/gm0613?lang={lang}").get_data(as_text=True)
        gap = html.split('id="gat-1"', 1)[1].split('class="scan-gat"', 1)[0]
        assert shown in text_of(gap) and more in text_of(gap)
        assert gap.count('<tr class="utrecht-table__row">') == 11  # the header and ten rows
    document = client.get("/scan/gm0613.json").get_json()
    first = document["gaps"][0]
    assert (len(first["projects"]), first["project_count"], first["example_count"]) == (10, 63, 27)


def test_comparison(scan_client: FlaskClient) -> None:
    response = scan_client.get("/scan/gm9001?vergelijk=gm9002")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "Aadorp en Beekdam vergeleken" in text
    assert (
        "Aadorp en Beekdam delen 2 combinaties van schakel en opgave en werken al samen "
        "in 1 project." in text
    )
    # Every figure says how much of it is invented, per municipality (not only the notice).
    assert "Doelen 4 (waarvan 1 verzonnen) 0 " in text
    assert "Doelen die aansluiten 3 (waarvan 1 verzonnen) 0 " in text
    assert "Strategiedocumenten 2 0 " in text
    # Aadorp, Beekdam, median, maximum
    assert "Data 1 2 (waarvan 1 verzonnen) 1 2 " in text
    assert "Toepassingen 1 (waarvan 1 verzonnen) 0 " in text
    assert "Toepassingen — gat" in text
    assert "Werken al samen in: Datadeelpunt" in text
    assert "/doc/project/aadorp-datadeelpunt" in parse(html).hrefs
    assert (
        "Aadorp Voorbeeld 3 (waarvan 1 verzonnen) 67% "
        "Beekdam Voorbeeld 4 (waarvan 1 verzonnen) 50% Mediaan regio 50%" in text
    )
    assert scan_client.get("/scan/gm9001?vergelijk=gm9001").status_code == 200


def test_index(scan_client: FlaskClient) -> None:
    html = scan_client.get("/scan").get_data(as_text=True)
    assert [h for h in parse(html).hrefs if re.fullmatch(r"/scan/gm\d{4}", h)] == [
        "/scan/gm9001",
        "/scan/gm9002",
        "/scan/gm9003",
        "/scan/gm9004",
    ]


def test_former_member(scan_client: FlaskClient) -> None:
    response = scan_client.get("/scan/gm9005", headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Eemsluis is geen MRDH-gemeente meer" in text_of(html)
    assert "/scan/gm9003" in parse(html).hrefs
    assert response.headers["Cache-Control"] == "no-store"


def test_errors(scan_client: FlaskClient) -> None:
    assert scan_client.get("/scan/gm9999").status_code == 404
    assert scan_client.get("/scan/delft").status_code == 404
    assert scan_client.get("/scan/gm9001.exe").status_code == 404
    assert scan_client.get("/scan/gm9001?vergelijk=gm9005").status_code == 400
    bad = scan_client.get("/scan/gm9001?vergelijk=<script>", headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "<script>" not in bad.get_data(as_text=True)
    moved = scan_client.get("/scan/GM9001?lang=en")
    assert moved.status_code == 308 and moved.headers["Location"].endswith("/scan/gm9001?lang=en")


def test_conditional_requests(scan_client: FlaskClient) -> None:
    first = scan_client.get("/scan/gm9001")
    etag = first.headers["ETag"]
    assert scan_client.get("/scan/gm9001", headers={"If-None-Match": etag}).status_code == 304
    english = scan_client.get("/scan/gm9001?lang=en")
    assert english.headers["ETag"] != etag
    assert scan_client.get("/scan/gm9002").headers["ETag"] != etag


def test_a_long_project_list_shows_fifty_and_links_to_the_whole_list(
    scan_app: Flask, scan_store: BuiltStore, scan_client: FlaskClient
) -> None:
    """With 100,000 projects a member has thousands: the page lists 50 and links to the
    canned query's paginated table of all of them."""
    scan = compute_scan(scan_store.store, scan_store.settings, "gm9001")
    projects = scan.value_chain.projects * 20  # 3 projects, 60 rows
    many = replace(scan, value_chain=replace(scan.value_chain, projects=projects))
    with scan_app.test_request_context("/scan/gm9001"):
        html = scan_page(many, "nl")
    table = html.split('id="projecten"', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="row"') == 50
    (link,) = [h for h in parse(html).hrefs if h.startswith("/queries/scan-projecten?")]
    assert "en nog 10 projecten: de hele lijst" in text_of(html)
    whole = scan_client.get(link)
    assert whole.status_code == 200
    assert "Glasvezel Aadorp" in text_of(whole.get_data(as_text=True))
    few = scan_client.get("/scan/gm9001").get_data(as_text=True)
    assert not [h for h in parse(few).hrefs if h.startswith("/queries/scan-projecten?")]


def test_the_queries_behind_the_scan_are_named_for_people(scan_client: FlaskClient) -> None:
    """The footer links each query the scan is made of by its title, not its internal name."""
    for lang, title in (
        ("nl", "Strategiescan: van wie te leren in een schakel"),
        ("en", "Strategy scan: whom to learn from in a stage"),
    ):
        html = scan_client.get(f"/scan/gm9001?lang={lang}").get_data(as_text=True)
        footer = html.split('id="werkwijze-kop"', 1)[1].split("</section>", 1)[0]
        assert len(re.findall(r'href="/queries/scan-[a-z-]+"', footer)) == 10
        assert title in text_of(footer)
        assert "scan-" not in text_of(footer)


def _cached(lang: str, name: str) -> bool:
    """Whether the region-wide answer of ``name`` in ``lang`` is in the scan's own cache."""
    query = canned_queries(get_settings())[name]
    arguments = check_arguments(get_store(), query, {"taal": lang})
    return run_checked(get_store(), query, arguments, cache=REGION_RESULTS)[1]


def test_the_warm_up_caches_the_region_wide_answers(scan_app: Flask) -> None:
    """Started by each gunicorn worker: afterwards the first scan runs only its own queries."""
    REGION_RESULTS.clear()
    with scan_app.app_context():
        assert not _cached("en", "scan-samenwerking")
    REGION_RESULTS.clear()
    warm_up(scan_app).join(timeout=120)
    with scan_app.app_context():
        assert [
            (lang, name) for lang in LANGUAGES for name in REGION_QUERIES if not _cached(lang, name)
        ] == []


def test_the_warm_up_waits_while_the_long_queries_are_all_running(scan_store: BuiltStore) -> None:
    """Every worker warms up at once, and the server runs only so many long queries: a query
    refused as busy is asked again until it runs, instead of stopping the warm-up."""
    settings = replace(scan_store.settings, long_queries=1, long_query_after=0.001)
    app = create_app(settings)
    store = process_store(settings)
    outcome: list[type] = []

    def hold() -> None:  # the one long-query slot, for 3 s
        try:
            store.query(ENDLESS, timeout=3).rows()
        except QueryTimeout as error:
            outcome.append(type(error))

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        running_long(store)
        REGION_RESULTS.clear()
        warm_up(app).join(timeout=120)
        assert not holder.is_alive()  # the warm-up could only finish after it
        assert outcome == [QueryTimeout]
    finally:
        holder.join(timeout=10)
        store.close()
    with app.app_context():
        assert [
            (lang, name) for lang in LANGUAGES for name in REGION_QUERIES if not _cached(lang, name)
        ] == []


def test_a_full_results_cache_keeps_the_region_wide_answers(
    scan_app: Flask, scan_client: FlaskClient
) -> None:
    """Many members' own answers (with 100,000 projects, a few project lists) fill the results
    cache of the canned queries; the region-wide answers, which every scan needs, stay."""
    REGION_RESULTS.clear()
    assert scan_client.get("/scan/gm9001").status_code == 200
    RESULTS.clear()  # as if other members' answers had pushed everything out
    with scan_app.app_context():
        assert [name for name in REGION_QUERIES if not _cached("nl", name)] == []
