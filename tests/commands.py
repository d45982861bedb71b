"""The `convenor` command in real processes, for the CLI tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CONVENOR = str(Path(sys.executable).parent / "convenor")


def command_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONVENOR_")}
    env["CONVENOR_DATA_DIR"] = str(data_dir)
    if extra.get("CONVENOR_ENV") != "production":  # which refuses the fast hashing
        env["CONVENOR_PASSWORD_HASHING"] = "fast"
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CONVENOR, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def copy_data_dir(source: Path, target: Path) -> None:
    """Start ``target`` from a copy of a data directory made once (database, secret key)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
