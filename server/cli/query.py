"""``regiograaf query NAME [--param k=v]... [--endpoint URL] [--format table|csv|json]
[--lang nl|en]``.

Runs a canned query (``queries/NAME.rq``) on the local store, or with ``--endpoint`` on any
SPARQL 1.1 endpoint (through SPARQLWrapper), and prints the answer as an aligned table, SPARQL
1.1 CSV or SPARQL 1.1 JSON. ``--param`` may be repeated, also with the same name for a
parameter that takes several values; values are checked exactly as on ``/queries/NAME``
(an ``iri`` value may be the IRI or its last path segment, ``--param gemeente=gm0599``).
Without NAME (or with ``--list``) it lists the queries and their parameters. ``--lang`` (as
``regiograaf validate``: ``nl``, the default, or ``en``) is the language of the errors and of
the list; the messages are the site's gettext messages (``server/web/translations``).

Exit codes: 0 answered; 2 a usage error (unknown query, a wrong parameter value), no store,
or an endpoint that cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from server.canned.errors import ParameterError
from server.canned.formats import text_table
from server.canned.running import UnknownQuery, canned_queries, run_canned_query
from server.errors import RegiograafError
from server.messages import Gettext, untranslated
from server.rdf.namespaces import DATA_BASE, query_prefixes
from server.settings import Settings, load_settings
from server.store import QuerySyntaxError, Store, StoreError

FORMATS = ("table", "csv", "json")


def configure(parser: argparse.ArgumentParser) -> None:
    """Configure the ``query`` subcommand's parser."""
    parser.description = "Run a canned query on the local store or a SPARQL endpoint."
    parser.add_argument("name", nargs="?", metavar="NAME", help="the query (queries/NAME.rq)")
    parser.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="K=V",
        help="a parameter value; repeat for more (also the same name for several values)",
    )
    parser.add_argument(
        "--endpoint", metavar="URL", help="a SPARQL 1.1 endpoint instead of the local store"
    )
    parser.add_argument("--store", metavar="PATH", help="folder of the store (REGIOGRAAF_STORE)")
    parser.add_argument(
        "--format", "-f", choices=FORMATS, default="table", help="output format (table)"
    )
    parser.add_argument("--list", action="store_true", help="list the queries and stop")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl", help="message language")
    parser.set_defaults(handler=run)


class ParamSyntaxError(ValueError):
    """A ``--param`` without ``NAME=VALUE``; ``item`` is what was given."""

    def __init__(self, item: str) -> None:
        super().__init__(f"--param needs NAME=VALUE, not {item!r}")
        self.item = item


def parse_params(items: list[str]) -> dict[str, list[str]]:
    """``["k=v", "k=w", "x=1"]`` → ``{"k": ["v", "w"], "x": ["1"]}``;
    :class:`ParamSyntaxError` for an item without ``=``."""
    params: dict[str, list[str]] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise ParamSyntaxError(item)
        params.setdefault(name.strip(), []).append(value)
    return params


def language(lang: str) -> Gettext:
    """The gettext function of ``lang``: Dutch is the msgids themselves, English the site's
    catalog (compiled in memory, as the web app does)."""
    if lang == "nl":
        return untranslated
    from server.web.language import load_catalog

    catalog = load_catalog(lang)

    def gettext(message: str, /, **variables: object) -> str:
        text = catalog.gettext(message)
        return text % variables if variables else text

    return gettext


def print_list(settings: Settings, out: TextIO, lang: str = "nl") -> None:
    """The queries, one block each: name, title, parameters, in ``lang``."""
    gettext = language(lang)
    for query in canned_queries(settings).values():
        print(f"{query.name}\n  {query.title_in(lang)}", file=out)
        for parameter in query.parameters:
            extra = ", " + gettext("meer waarden") if parameter.multiple else ""
            target = parameter.class_iri or parameter.scheme
            kind = f"{parameter.type} <{target}>" if target else parameter.type
            values = ", ".join(str(value) for value in parameter.default_values)
            default = " (" + gettext("standaard %(value)s", value=values) + ")" if values else ""
            print(
                f"  --param {parameter.name}=…  {kind}{extra}{default}",
                file=out,
            )


def _store(args: argparse.Namespace, settings: Settings) -> Store:
    if args.endpoint:
        from server.store.remote import RemoteStore

        return RemoteStore(args.endpoint)
    from server.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store, read_only=True)


def _shorten(prefixes: dict[str, str]) -> Callable[[Identifier], str]:
    def shorten(term: Identifier) -> str:
        if isinstance(term, URIRef):
            text = str(term)
            for prefix, namespace in sorted(prefixes.items(), key=lambda p: -len(p[1])):
                if text.startswith(namespace) and len(text) > len(namespace):
                    return f"{prefix}:{text[len(namespace) :]}"
            return text
        if isinstance(term, Literal):
            return str(term)
        return f"_:{term}"

    return shorten


def error_text(error: RegiograafError, gettext: Gettext) -> str:
    """``error`` in the language of ``gettext``. The details a web client is not told (a
    server error's, :attr:`RegiograafError.public`) follow on a line of their own: whoever
    runs the command runs the store, and they name the path or the endpoint."""
    text = error.message_in(gettext)
    return f"{text}\n  {error}" if error.public is not None else text


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the query named by ``args``; see the module docstring for exit codes."""
    out = out or sys.stdout
    err = err or sys.stderr
    gettext = language(args.lang)
    settings = load_settings(store=args.store)
    if args.list or not args.name:
        print_list(settings, out, args.lang)
        return 0
    try:
        params = parse_params(args.param)
        store = _store(args, settings)
        result = run_canned_query(args.name, params, store=store, settings=settings, cache=None)
    except ParamSyntaxError as error:
        problem = gettext("--param vraagt NAAM=WAARDE, niet %(item)s", item=repr(error.item))
        print(f"regiograaf query: {problem}", file=err)
        return 2
    except UnknownQuery as error:
        problem = gettext(
            "er is geen query %(name)s; zie `regiograaf query --list`", name=repr(error.name)
        )
        print(f"regiograaf query: {problem}", file=err)
        return 2
    except ParameterError as error:
        print(f"regiograaf query: {error_text(error, gettext)}", file=err)
        return 2
    except (StoreError, QuerySyntaxError) as error:
        # A remote store names its endpoint itself.
        where = "" if args.endpoint else f"{settings.store}: "
        print(f"regiograaf query: {where}{error_text(error, gettext)}", file=err)
        return 2
    if args.format == "json":
        out.write(result.json.decode("utf-8").rstrip("\n") + "\n")
    elif args.format == "csv":
        out.write(result.csv().decode("utf-8"))
    else:
        shorten = _shorten(query_prefixes(DATA_BASE))
        out.write(text_table(result.variables, result.rows, shorten))
    return 0
