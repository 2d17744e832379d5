"""``regiograaf query NAME [--param k=v]... [--endpoint URL] [--format table|csv|json]``.

Runs a canned query (``queries/NAME.rq``) on the local store, or with ``--endpoint`` on any
SPARQL 1.1 endpoint (through SPARQLWrapper), and prints the answer as an aligned table, SPARQL
1.1 CSV or SPARQL 1.1 JSON. ``--param`` may be repeated, also with the same name for a
parameter that takes several values; values are checked exactly as on ``/queries/NAME``
(an ``iri`` value may be the IRI or its last path segment, ``--param gemeente=gm0599``).
Without NAME (or with ``--list``) it lists the queries and their parameters.

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
    parser.set_defaults(handler=run)


def parse_params(items: list[str]) -> dict[str, list[str]]:
    """``["k=v", "k=w", "x=1"]`` → ``{"k": ["v", "w"], "x": ["1"]}``; :class:`ValueError`
    for an item without ``=``."""
    params: dict[str, list[str]] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise ValueError(f"--param needs NAME=VALUE, not {item!r}")
        params.setdefault(name.strip(), []).append(value)
    return params


def print_list(settings: Settings, out: TextIO) -> None:
    """The queries, one block each: name, Dutch title, parameters."""
    for query in canned_queries(settings).values():
        print(f"{query.name}\n  {query.title_in('nl')} ({query.title_in('en')})", file=out)
        for parameter in query.parameters:
            extra = ", meer waarden" if parameter.multiple else ""
            target = parameter.class_iri or parameter.scheme
            kind = f"{parameter.type} <{target}>" if target else parameter.type
            default = ", ".join(str(value) for value in parameter.default_values)
            print(
                f"  --param {parameter.name}=…  {kind}{extra}"
                + (f" (standaard {default})" if default else ""),
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


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the query named by ``args``; see the module docstring for exit codes."""
    out = out or sys.stdout
    err = err or sys.stderr
    settings = load_settings(store=args.store)
    if args.list or not args.name:
        print_list(settings, out)
        return 0
    try:
        params = parse_params(args.param)
    except ValueError as error:
        print(f"regiograaf query: {error}", file=err)
        return 2
    store = _store(args, settings)
    try:
        result = run_canned_query(args.name, params, store=store, settings=settings, cache=None)
    except UnknownQuery as error:
        print(f"regiograaf query: {error}; see `regiograaf query --list`", file=err)
        return 2
    except ParameterError as error:
        print(f"regiograaf query: {error}", file=err)
        return 2
    except (StoreError, QuerySyntaxError) as error:
        # A remote store names its endpoint itself.
        where = "" if args.endpoint else f"{settings.store}: "
        print(f"regiograaf query: {where}{error}", file=err)
        return 2
    if args.format == "json":
        out.write(result.json.decode("utf-8").rstrip("\n") + "\n")
    elif args.format == "csv":
        out.write(result.csv().decode("utf-8"))
    else:
        shorten = _shorten(query_prefixes(DATA_BASE))
        out.write(text_table(result.variables, result.rows, shorten))
    return 0
