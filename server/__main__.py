"""``python -m server`` runs the ``regiograaf`` command."""

import sys

from server.cli import main

sys.exit(main())
