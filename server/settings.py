"""One table of settings (name, default, help), each overridable by a ``REGIOGRAAF_*`` variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

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
    default: str | int | float
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("root", str(PROJECT_ROOT), "Folder with ontology/, data/, shapes/ and queries/"),
    Setting("store", str(PROJECT_ROOT / "var" / "store"), "Folder of the on-disk store"),
    Setting("host", "127.0.0.1", "Address the server binds to"),
    Setting("port", 8000, "Port the server listens on"),
    Setting("workers", 0, "Gunicorn workers (0: one per core, plus one)"),
    Setting("threads", 4, "Threads per gunicorn worker (a slow query holds one thread)"),
    Setting(
        "memory_quads",
        4_000_000,
        "Largest store (in quads) that each server worker also copies into memory to query "
        "there, several times faster (0: always query on disk)",
    ),
    Setting(
        "access_log",
        "",
        "Where gunicorn logs each request: a file, '-' for standard output (empty: no log)",
    ),
    Setting("base_iri", DATA_BASE, "Base of all Regiograaf IRIs"),
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
        "publisher",
        "",
        "TOOI IRI of the organisation that publishes the DCAT catalog (empty: the project)",
    ),
    Setting("contact_email", "", "E-mail address of the catalog's contact point (optional)"),
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
    host: str
    port: int
    workers: int
    threads: int
    memory_quads: int
    access_log: str
    base_iri: str
    query_timeout: float
    max_rows: int
    publisher: str
    contact_email: str
    contact_url: str
    map_tiles: str
    map_tiles_attribution: str
    tokens: str
    history: str
    max_upload: int
    boundaries_url: str

    @property
    def effective_workers(self) -> int:
        """The worker count to start: the setting, or cores + 1 when it is 0.

        Not gunicorn's 2 * cores + 1, which is meant for workers that wait on I/O: a query
        keeps a core busy, the threads of a worker wait for slow queries (pyoxigraph releases
        the GIL), and each worker holds its own in-memory copy of the store
        (docs/performance.md)."""
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


def load_settings(**overrides: object) -> Settings:
    """Resolve every setting: explicit ``overrides`` beat ``REGIOGRAAF_<NAME>``, which beats the
    default. ``None`` in ``overrides`` means "not given"."""
    values: dict[str, object] = {}
    types = {f.name: str(f.type) for f in fields(Settings)}
    for setting in SETTINGS:
        raw = overrides.get(setting.name)
        if raw is None:
            raw = os.environ.get(f"REGIOGRAAF_{setting.name.upper()}", setting.default)
        variable = f"REGIOGRAAF_{setting.name.upper()}"
        try:
            values[setting.name] = _coerce(raw, types[setting.name])
        except ValueError:
            raise SettingsError(
                f"{variable} (or --{setting.name.replace('_', '-')}) must be a "
                f"{'whole number' if types[setting.name] == 'int' else 'number'}, "
                f"not {str(raw)!r}"
            ) from None
    port = values["port"]
    if not 1 <= port <= 65535:  # type: ignore[operator]
        raise SettingsError(f"REGIOGRAAF_PORT (or --port) must be 1..65535, not {port!r}")
    return Settings(**values)  # type: ignore[arg-type]


def _coerce(value: object, type_name: str) -> object:
    if type_name == "Path":
        return Path(str(value)).resolve()
    if type_name == "int":
        return int(str(value))
    if type_name == "float":
        return float(str(value))
    return str(value)
