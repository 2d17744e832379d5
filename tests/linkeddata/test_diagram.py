"""The class diagram of /def/: laid out as numbers (server/linkeddata/diagram.py) and drawn
by the template _diagram.svg.html, which escapes every text and link."""

from __future__ import annotations

from flask import render_template

from server.linkeddata.diagram import BOX_H, BOX_W, COLUMNS, layout
from server.linkeddata.ontology_docs import Link, TermDoc
from server.web.app import create_app

CLASS = ("klasse", "class")


def _class(
    name: str, labels: dict[str, str] | None = None, href: str | None = "", count: int = 0,
    parents: list[Link] | None = None,
) -> TermDoc:  # fmt: skip
    return TermDoc(
        iri=f"https://example.org/def#{name}",
        name=name,
        href=f"/def/{name}" if href == "" else href,
        labels=labels or {},
        definitions={},
        kind=CLASS,
        parents=parents or [],
        count=count,
    )


def test_boxes_in_a_grid_and_arrows_between_them() -> None:
    project = _class("Project", count=5)
    goal = _class("Goal", labels={"nl": "Doel"})
    sub = _class("MunicipalGoal", parents=[Link(goal.iri, goal.href, "rg:Goal")])
    relation = TermDoc(
        "https://example.org/def#contributesTo", "contributesTo", None, {}, {}, ("p", "p"),
        domains=[Link(project.iri, None, "rg:Project")], ranges=[Link(goal.iri, None, "rg:Goal")],
    )  # fmt: skip
    loop = TermDoc(
        "https://example.org/def#alignsWith", "alignsWith", None, {}, {}, ("p", "p"),
        domains=[Link(goal.iri, None, "rg:Goal")], ranges=[Link(goal.iri, None, "rg:Goal")],
    )  # fmt: skip
    many = [_class(f"C{index}") for index in range(COLUMNS + 2)]
    diagram = layout([project, goal, sub, *many], [relation, loop])
    assert [(box.x, box.y) for box in diagram.boxes[:2]] == [(20, 20), (20 + BOX_W + 60, 20)]
    assert diagram.boxes[COLUMNS].x == 20 and diagram.boxes[COLUMNS].y > 20
    assert diagram.boxes[1].label == "Doel" and diagram.boxes[0].count == 5
    dashed, straight, curve = diagram.arrows
    assert dashed.dashed and dashed.label is None and dashed.controls is None
    assert straight.label == "contributesTo" and not straight.dashed
    # From the right border of Project's box to the left border of Goal's, at mid height.
    assert (straight.x1, straight.y1, straight.x2) == (20 + BOX_W, 20 + BOX_H // 2, 20 + BOX_W + 60)
    assert curve.label == "alignsWith" and curve.controls is not None
    assert diagram.height == 40 + 3 * BOX_H + 2 * 70


def test_the_template_draws_and_escapes_it() -> None:
    hostile = _class("Evil", labels={"nl": '<script>alert("x")</script>'}, href=None)
    app = create_app()
    with app.test_request_context():
        svg = render_template("_diagram.svg.html", diagram=layout([hostile], []))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 980 84"')
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; · 0" in svg
    # A class without a page of its own links to its section of the page.
    assert '<a href="#Evil">' in svg
