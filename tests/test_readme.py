"""The README's examples, run: every ``console`` block, on a copy of the seeds, as a user types
them in an 80-column terminal (a real pseudo-terminal; stderr shows as it would). Timings and
the size on disk vary from run to run and are compared as numbers of their own kind."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS

README = Path(__file__).resolve().parent.parent / "README.md"
BIN = Path(sys.executable).parent
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
VARYING = [
    (re.compile(r" in \d+\.\d s;"), " in 0.0 s;"),
    (re.compile(r"size on disk  \d+\.\d kB"), "size on disk  0.0 kB"),
]


def examples() -> list[tuple[str, str]]:
    """(command, the output the README shows for it), in order."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for example in re.split(r"\n(?=\$ )", block.strip("\n")):
            command, _, output = example.partition("\n")
            found.append((command.removeprefix("$ "), output.strip("\n")))
    return found


def normalised(text: str) -> str:
    for pattern, fixed in VARYING:
        text = pattern.sub(fixed, text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the seeds, as after a clone; the README's first command indexes them."""
    here = tmp_path_factory.mktemp("readme")
    shutil.copytree(SEEDS, here / "seeds")
    return here


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_the_readme_example_prints_what_the_readme_shows(
    folder: Path, command: str, shown: str
) -> None:
    if "jq" in command and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "COLUMNS": "80", "NO_COLOR": "1"}
    env.pop("BGSEARCH_INDEX", None)
    if command.startswith("bgsearch index"):  # its progress bar is for the eye, not the page
        argv = ["bash", "-c", command + " 2>&1"]
    else:
        argv = ["script", "-qec", command, "/dev/null"]
    done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, env=env, check=False)
    assert normalised(CONTROL.sub("", done.stdout)) == normalised(shown)
