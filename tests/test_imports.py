"""The import rule: import-linter's contracts in pyproject.toml (``[tool.importlinter]``) hold.

Imports only go downward (web → domain folders → store, rdf, settings) and only server.store
imports pyoxigraph and SPARQLWrapper; ``make lint`` checks the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import REPOSITORY


def test_import_contracts_are_kept() -> None:
    # This checkout's server package, whichever checkout the virtualenv was installed from.
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout, done.stdout
