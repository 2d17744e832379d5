"""The glossary's words link to their explanation (server/web/word_links.py)."""

from __future__ import annotations

from flask.testing import FlaskClient
from markupsafe import Markup

from server.web.word_links import link_words


def test_the_first_occurrence_of_each_word_links_to_the_glossary() -> None:
    html = link_words("Schakels en opgaven: elke schakel <b>telt</b>.")
    assert html == (
        '<a class="begrip" href="/begrippen#schakel">Schakels</a> en '
        '<a class="begrip" href="/begrippen#opgave">opgaven</a>: elke schakel '
        "&lt;b&gt;telt&lt;/b&gt;."
    )


def test_english_forms_and_whole_words_only() -> None:
    assert 'href="/begrippen#bouwsteen">building blocks</a>' in link_words("the building blocks")
    assert "href" not in link_words("schakelaar, opgavenlijst")


def test_the_home_page_links_the_words_of_its_questions(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<a class="begrip" href="/begrippen#schakel">schakels</a>' in html


def test_in_html_only_text_outside_links_and_table_heads_gets_links() -> None:
    html = link_words(
        Markup(
            '<h3><a href="/doc/x">Schakel</a> (schakel)</h3><table><thead><tr><th>Bouwsteen'
            "</th></tr></thead><tbody><tr><td>bouwstenen &amp; schakels</td></tr></tbody></table>"
        )
    )
    assert html == (
        '<h3><a href="/doc/x">Schakel</a> (<a class="begrip" href="/begrippen#schakel">schakel'
        "</a>)</h3><table><thead><tr><th>Bouwsteen</th></tr></thead><tbody><tr><td>"
        '<a class="begrip" href="/begrippen#bouwsteen">bouwstenen</a> &amp; schakels</td></tr>'
        "</tbody></table>"
    )


def test_the_value_chain_page_links_the_words_of_its_texts(client: FlaskClient) -> None:
    html = client.get("/waardeketen", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<a class="begrip" href="/begrippen#schakel">schakel</a>' in html
    assert html.count('href="/begrippen#schakel"') == 1
