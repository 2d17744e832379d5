"""Write tokens: each belongs to one organisation and has a name; only salted hashes are kept.

A token looks like ``rgt_<id>_<secret>``: ``<id>`` (10 hex digits) is public and names the
entry, ``<secret>`` (43 characters, 256 random bits) is known only to whoever got the token.
The token file (setting ``tokens``, outside the repository) holds per token its id, the
organisation's contribution folder (``gm0599``), the name (``"Team data"``), the creation
time, and the scrypt hash (:func:`hashlib.scrypt`, RFC 7914; N=2^14, r=8, p=1) of the secret
with a random salt of 16 bytes. The secret itself is printed once, by ``regiograaf token add``,
and stored nowhere.

Checking a token costs one scrypt (about 50 ms) and compares in constant time
(:func:`hmac.compare_digest`); a token with an unknown id costs the same, so timing tells
nothing about which ids exist. The file is read again only when it changes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from server.contribute.files import locked, write_atomic
from server.errors import ConfigurationError

__all__ = ["Token", "TokenFile", "TokenFileError"]

#: scrypt's cost parameters: N=2**14, r=8 (16 MiB of memory), p=1 (RFC 7914 §2; the
#: interactive-login setting of the scrypt paper).
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}
_TOKEN = re.compile(r"rgt_([0-9a-f]{10})_([A-Za-z0-9_-]{43})")
#: Hashed when the id is unknown, so an unknown id takes as long as a known one.
_DUMMY_SALT = secrets.token_bytes(16)


class TokenFileError(ConfigurationError):
    """The token file cannot be read or is not a token file (the message names it)."""


@dataclass(frozen=True)
class Token:
    """One token, as stored: never the secret."""

    id: str
    organisation: str
    name: str
    created: str
    salt: str
    hash: str

    def public(self) -> dict[str, str]:
        """What may be shown: id, organisation, name and creation time."""
        return {
            "id": self.id,
            "organisation": self.organisation,
            "name": self.name,
            "created": self.created,
        }


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("ascii"), salt=salt, **_SCRYPT)


class TokenFile:
    """The token file at ``path`` (need not exist: then there are no tokens)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: tuple[tuple[int, int, int], dict[str, Token]] | None = None

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def tokens(self) -> dict[str, Token]:
        """Every token by id (none when the file does not exist)."""
        stamp = self._stamp()
        if stamp is None:
            return {}
        if self._cache is not None and self._cache[0] == stamp:
            return self._cache[1]
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            found = {entry["id"]: Token(**entry) for entry in data["tokens"]}
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise TokenFileError(f"cannot read the token file {self.path}: {error}") from error
        self._cache = (stamp, found)
        return found

    def active(self) -> bool:
        """Whether there is any token (else the write path is off)."""
        return bool(self.tokens())

    def verify(self, presented: str) -> Token | None:
        """The token that ``presented`` is, or ``None`` (see the module docstring)."""
        match = _TOKEN.fullmatch(presented.strip())
        entry = self.tokens().get(match[1]) if match else None
        secret = match[2] if match else "x" * 43
        salt = bytes.fromhex(entry.salt) if entry else _DUMMY_SALT
        digest = _hash(secret, salt)
        expected = bytes.fromhex(entry.hash) if entry else secrets.token_bytes(len(digest))
        return entry if hmac.compare_digest(digest, expected) and entry else None

    def add(self, organisation: str, name: str) -> tuple[Token, str]:
        """A new token for ``organisation`` named ``name``: the stored entry and the token
        (``rgt_<id>_<secret>``), which is not kept anywhere."""
        with locked(self.path.with_name(self.path.name + ".lock")):
            tokens = dict(self.tokens())
            token_id = secrets.token_hex(5)
            while token_id in tokens:  # pragma: no cover - 1 in 10^12
                token_id = secrets.token_hex(5)
            secret = secrets.token_urlsafe(32)
            salt = secrets.token_bytes(16)
            entry = Token(
                id=token_id,
                organisation=organisation,
                name=name,
                created=datetime.now(UTC).replace(microsecond=0).isoformat(),
                salt=salt.hex(),
                hash=_hash(secret, salt).hex(),
            )
            tokens[token_id] = entry
            self._write(tokens)
        return entry, f"rgt_{token_id}_{secret}"

    def revoke(self, which: str) -> list[Token]:
        """Remove the token with id ``which``, or every token named ``which``; the removed."""
        with locked(self.path.with_name(self.path.name + ".lock")):
            tokens = dict(self.tokens())
            gone = [t for t in tokens.values() if which in (t.id, t.name)]
            for token in gone:
                del tokens[token.id]
            if gone:
                self._write(tokens)
        return gone

    def _write(self, tokens: dict[str, Token]) -> None:
        data = {"version": 1, "tokens": [asdict(t) for t in tokens.values()]}
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        write_atomic(self.path, text.encode("utf-8"), mode=0o600)
        self._cache = None
