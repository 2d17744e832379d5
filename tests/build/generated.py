"""Generated projects for the build's tests (benchmarks/generate_projects.py, the real one)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.support import REPOSITORY

GENERATOR = REPOSITORY / "benchmarks" / "generate_projects.py"


def generator() -> ModuleType:
    """The benchmark data generator as a module."""
    spec = importlib.util.spec_from_file_location("generate_projects", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def add_contributions(root: Path, count: int, *, per_file: int = 5, seed: int = 5) -> list[Path]:
    """``count`` generated projects as contributions under ``root/data/contributions``."""
    folder = root / "data" / "contributions"
    generator().generate_contributions(count, folder, root=root, seed=seed, per_file=per_file)
    return sorted(folder.glob("*/benchmark-*.ttl"))
