"""``regiograaf token add ORG --name NAME | list | revoke ID_OR_NAME``: the write tokens.

``add`` makes a token for the organisation of contribution folder ``ORG`` (``gm0599``,
``mrdh``, ``pv28``; it must name an organisation in the data) and prints it once, on standard
output (everything else goes to standard error); only its salted hash is kept, in the token
file (setting ``tokens``, ``REGIOGRAAF_TOKENS``). ``list`` shows id, organisation, name and
creation time of every token, never a token itself. ``revoke`` removes a token by its id, or
every token with that name. Exit codes: 0 done, 1 nothing to revoke, 2 usage or a file that
cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys

from server.contribute.graphs import valid_code
from server.contribute.tokens import TokenFile, TokenFileError
from server.contribute.writes import organisation_iri
from server.settings import load_settings

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Configure the ``token`` subcommand's parser with ``add``, ``list`` and ``revoke``."""
    parser.description = "Write tokens: one organisation each, stored as salted hashes only."
    parser.add_argument("--tokens", metavar="FILE", help="token file (REGIOGRAAF_TOKENS)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="make a token and print it (once)")
    add.add_argument("organisation", metavar="ORG", help="contribution folder: gm0599, mrdh, pv28")
    add.add_argument("--name", required=True, help='who uses it, such as "Team data"')
    listing = actions.add_parser("list", help="show the tokens (never the tokens themselves)")
    listing.add_argument("--json", action="store_true", help="as JSON")
    revoke = actions.add_parser("revoke", help="remove a token by id, or all with a name")
    revoke.add_argument("which", metavar="ID_OR_NAME")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Carry out ``args.action``; see the module docstring for exit codes."""
    settings = load_settings(tokens=args.tokens)
    tokens = TokenFile(settings.tokens_file)
    try:
        if args.action == "add":
            return _add(tokens, args.organisation, args.name, settings.root)
        if args.action == "list":
            return _list(tokens, as_json=args.json)
        return _revoke(tokens, args.which)
    except (TokenFileError, OSError) as error:
        print(f"regiograaf token: {error}", file=sys.stderr)
        return 2


def _add(tokens: TokenFile, code: str, name: str, root: object) -> int:
    code = code.lower()
    if not valid_code(code) or organisation_iri(root, code) is None:  # type: ignore[arg-type]
        print(
            f"regiograaf token: no organisation has the contribution folder {code!r}; use the "
            "CBS code of a municipality in lower case (gm0599), mrdh or pv28",
            file=sys.stderr,
        )
        return 2
    if not name.strip():
        print("regiograaf token: --name must say who uses the token", file=sys.stderr)
        return 2
    entry, token = tokens.add(code, name.strip())
    print(
        f"New token {entry.id} for {code} ({entry.name}), stored in {tokens.path}.\n"
        "It is printed once, below, and kept nowhere: store it safely now.",
        file=sys.stderr,
    )
    print(token, flush=True)
    return 0


def _list(tokens: TokenFile, *, as_json: bool) -> int:
    entries = [t.public() for t in tokens.tokens().values()]
    if as_json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print(f"no tokens in {tokens.path} (the write path is off)")
        return 0
    for entry in sorted(entries, key=lambda e: (e["organisation"], e["created"])):
        print(f"{entry['id']}  {entry['organisation']:<8}  {entry['created']}  {entry['name']}")
    return 0


def _revoke(tokens: TokenFile, which: str) -> int:
    gone = tokens.revoke(which)
    if not gone:
        print(f"regiograaf token: no token with id or name {which!r}", file=sys.stderr)
        return 1
    for token in gone:
        print(f"revoked {token.id} ({token.organisation}, {token.name})")
    return 0
