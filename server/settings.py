"""One table of settings (name, default, help), each overridable by a ``REGIOGRAAF_*`` variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from server.errors import ConfigurationError
from server.rdf.namespaces import DATA_BASE

#: The project root: the folder that holds ontology/, data/, shapes/ and queries/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ConfigurationError, ValueError):
    """A setting has a value that cannot be used; the message names the variable and value."""


@dataclass(frozen=True)
class Setting:
    """A setting as documented to users: its name, default value and a line of help."""

    name: str
    default: str | int | float | bool
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("root", str(PROJECT_ROOT), "Folder with ontology/, data/, shapes/ and queries/"),
    Setting("store", str(PROJECT_ROOT / "var" / "store"), "Folder of the on-disk store"),
    Setting(
        "store_query",
        "",
        "URL of the SPARQL 1.1 query endpoint of an external store to build into and serve "
        "from, instead of the folder alone (empty: the on-disk store serves)",
    ),
    Setting(
        "store_update",
        "",
        "URL of the SPARQL 1.1 update endpoint of the external store (empty: the query URL)",
    ),
    Setting(
        "store_gsp",
        "",
        "URL of the Graph Store Protocol endpoint of the external store (needed to build into it)",
    ),
    Setting(
        "store_user",
        "",
        "User name for the external store's update and GSP endpoints; the password comes only "
        "from the variable REGIOGRAAF_STORE_PASSWORD",
    ),
    Setting(
        "store_in_place",
        False,
        "Load the external store graph by graph in place instead of into staging graphs that "
        "one update request moves in (atomic); for stores whose MOVE is slow (Virtuoso)",
    ),
    Setting(
        "store_recheck",
        1.0,
        "Seconds a server worker trusts the external store's data version before asking again",
    ),
    Setting("host", "127.0.0.1", "Address the server binds to"),
    Setting("port", 8000, "Port the server listens on"),
    Setting("workers", 0, "Gunicorn workers (0: one per core, plus one)"),
    Setting("threads", 4, "Threads per gunicorn worker (a slow query holds one thread)"),
    Setting(
        "memory_quads",
        4_000_000,
        "Largest store (in quads) that the server copies into memory, to query there "
        "several times faster (0: always query on disk)",
    ),
    Setting(
        "memory_quads_per_worker",
        100_000,
        "Largest store (in quads) that each server worker copies into memory itself; a larger "
        "one is copied once by the server for all its workers, which are then restarted",
    ),
    Setting(
        "access_log",
        "",
        "Where gunicorn logs each request: a file, '-' for standard output (empty: no log)",
    ),
    Setting("base_iri", DATA_BASE, "Base of all Regiograaf IRIs"),
    Setting(
        "examples",
        False,
        "Build the invented examples (data/voorbeelden/) into the store too: off for a public "
        "service, so nobody mistakes invented data for real; on for tests and demos",
    ),
    Setting(
        "query_timeout",
        30.0,
        "Seconds a SPARQL query may run before /sparql answers 503 (0: no limit)",
    ),
    Setting(
        "max_rows",
        10000,
        "Most solutions /sparql returns per SELECT, CONSTRUCT or DESCRIBE (0: no cap)",
    ),
    Setting(
        "query_processes",
        6,
        "Query processes per server worker: the most queries one worker runs at once; each "
        "query runs in one, sealed off the network, and is killed at its time limit (0: run "
        "queries in the worker itself, with no time limit or isolation; for development only). "
        "A worker has at least this many threads plus two",
    ),
    Setting(
        "long_queries",
        2,
        "Queries of the whole server (all workers together) that may run longer than "
        "long_query_after; one more that does is stopped with 503, so cheap queries always find "
        "a free query process. Each may copy much of the in-memory store for its time (about "
        "0.7 GB at 100,000 projects), so this also bounds the server's memory",
    ),
    Setting("long_query_after", 0.5, "Seconds after which a query counts as long"),
    Setting(
        "queue_wait",
        2.0,
        "Seconds a query waits for a free query process before the answer is 503 (Retry-After)",
    ),
    Setting(
        "query_memory",
        1024,
        "Megabytes of memory one query may take beyond what its process shares with the "
        "worker; a query that needs more is stopped (0: no limit)",
    ),
    Setting("max_query_chars", 100_000, "Longest query text evaluated, in characters (0: any)"),
    Setting(
        "answer_cache",
        32,
        "Megabytes of small /sparql answers (up to 64 KiB each) a server worker keeps per data "
        "version, so that the same query asked again is answered without running it (0: none)",
    ),
    Setting(
        "max_query_depth", 64, "Deepest nesting of brackets { ( [ in a query evaluated (0: any)"
    ),
    Setting(
        "max_query_parts",
        5_000,
        "Most keywords, operators and brackets in a query evaluated (terms are not counted; "
        "0: any)",
    ),
    Setting(
        "max_body",
        1_048_576,
        "Largest request body accepted, in bytes; a larger one is answered 413",
    ),
    Setting(
        "header_timeout",
        10.0,
        "Seconds a client has to send the request line and headers after connecting (or "
        "after its previous request); a slower connection is closed",
    ),
    Setting(
        "body_timeout",
        20.0,
        "Seconds a client has to send the request body after its headers",
    ),
    Setting(
        "send_timeout",
        30.0,
        "Seconds a server thread waits for a client that does not take the response",
    ),
    Setting(
        "publisher",
        "",
        "TOOI IRI of the organisation that publishes the DCAT catalog (empty: the project)",
    ),
    Setting("contact_email", "", "E-mail address of the catalog's contact point (optional)"),
    Setting(
        "contact_phone",
        "",
        "Telephone number of the catalog's contact point (DCAT-AP-DONL asks for one; optional)",
    ),
    Setting("contact_url", "", "Web page of the catalog's contact point (empty: the home page)"),
    Setting(
        "map_tiles",
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
        "XYZ tile URL drawn beneath the maps (default PDOK BRT-Achtergrondkaart; empty: none)",
    ),
    Setting(
        "map_tiles_attribution",
        "Kaartgegevens &copy; Kadaster (BRT-Achtergrondkaart)",
        "Attribution shown with the tile layer (HTML)",
    ),
    Setting(
        "tokens",
        "",
        "File of the write tokens of /graph-store (salted scrypt hashes; keep it out of git); "
        "empty: tokens.json beside the store folder. Without tokens the write path is off",
    ),
    Setting(
        "history",
        "",
        "Folder of the contribution history (every accepted version: who, when, content); "
        "empty: history/ beside the store folder",
    ),
    Setting(
        "cache",
        "",
        "Folder where 'regiograaf validate' keeps the parsed shapes, ontology and reference data "
        "between runs (safe to delete; as private as the store); empty: cache/ beside the store "
        "folder",
    ),
    Setting(
        "max_upload",
        1_048_576,
        "Largest Turtle body in bytes that /graph-store and /bijdragen/valideren take (413)",
    ),
    Setting(
        "boundaries_url",
        "https://service.pdok.nl/cbs/gebiedsindelingen/2025/wfs/v1_0?service=WFS&version=2.0.0"
        "&request=GetFeature&typeNames=gebiedsindelingen:gemeente_gegeneraliseerd"
        "&outputFormat=application/json&srsName=EPSG:4326&count=1000",
        "GeoJSON of the CBS municipal boundaries that 'regiograaf geo download' fetches (PDOK)",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :func:`load_settings`."""

    root: Path
    store: Path
    store_query: str
    store_update: str
    store_gsp: str
    store_user: str
    store_in_place: bool
    store_recheck: float
    host: str
    port: int
    workers: int
    threads: int
    memory_quads: int
    memory_quads_per_worker: int
    access_log: str
    base_iri: str
    examples: bool
    query_timeout: float
    max_rows: int
    query_processes: int
    long_queries: int
    long_query_after: float
    queue_wait: float
    query_memory: int
    max_query_chars: int
    answer_cache: int
    max_query_depth: int
    max_query_parts: int
    max_body: int
    header_timeout: float
    body_timeout: float
    send_timeout: float
    publisher: str
    contact_email: str
    contact_phone: str
    contact_url: str
    map_tiles: str
    map_tiles_attribution: str
    tokens: str
    history: str
    cache: str
    max_upload: int
    boundaries_url: str

    @property
    def effective_workers(self) -> int:
        """The worker count to start: the setting, or cores + 1 when it is 0.

        Not gunicorn's 2 * cores + 1, which is meant for workers that wait on I/O: a query
        keeps a core busy, the threads of a worker wait for slow queries (pyoxigraph releases
        the GIL), and every process that runs a query over much of the in-memory copy of the
        store ends up with a private copy of the pages it touched (docs/performance.md)."""
        return self.workers or (os.cpu_count() or 1) + 1

    @property
    def tokens_file(self) -> Path:
        """The file of the write tokens: the ``tokens`` setting, else beside the store."""
        return Path(self.tokens).resolve() if self.tokens else self.store.parent / "tokens.json"

    @property
    def history_folder(self) -> Path:
        """The folder of the contribution history: the ``history`` setting, else beside the
        store."""
        return Path(self.history).resolve() if self.history else self.store.parent / "history"

    @property
    def cache_folder(self) -> Path:
        """The folder of the validation cache: the ``cache`` setting, else beside the store."""
        return Path(self.cache).resolve() if self.cache else self.store.parent / "cache"


def load_settings(**overrides: object) -> Settings:
    """Resolve every setting: explicit ``overrides`` beat ``REGIOGRAAF_<NAME>``, which beats the
    default. ``None`` in ``overrides`` means "not given"."""
    # Each value is coerced to its field's type (_coerce), which mypy cannot follow: Any.
    values: dict[str, Any] = {}
    types = {f.name: str(f.type) for f in fields(Settings)}
    for setting in SETTINGS:
        raw = overrides.get(setting.name)
        if raw is None:
            raw = os.environ.get(f"REGIOGRAAF_{setting.name.upper()}", setting.default)
        variable = f"REGIOGRAAF_{setting.name.upper()}"
        try:
            values[setting.name] = _coerce(raw, types[setting.name])
        except ValueError:
            kind = {"int": "whole number", "bool": "yes or no (true/false, 1/0, on/off)"}
            raise SettingsError(
                f"{variable} (or --{setting.name.replace('_', '-')}) must be a "
                f"{kind.get(types[setting.name], 'number')}, not {str(raw)!r}"
            ) from None
    port = values["port"]
    if not 1 <= port <= 65535:
        raise SettingsError(f"REGIOGRAAF_PORT (or --port) must be 1..65535, not {port!r}")
    return Settings(**values)


_TRUE = frozenset({"1", "true", "yes", "on", "ja", "aan"})
_FALSE = frozenset({"0", "false", "no", "off", "nee", "uit", ""})


def _coerce(value: object, type_name: str) -> object:
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in _TRUE | _FALSE:
            raise ValueError(text)
        return text in _TRUE
    if type_name == "Path":
        return Path(str(value)).resolve()
    if type_name == "int":
        return int(str(value))
    if type_name == "float":
        return float(str(value))
    return str(value)
