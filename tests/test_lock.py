"""The locked dependencies (issue 10, point 1): requirements.lock (what runs Chibo) and
requirements-test.lock (plus the test tools) pin every package with its hashes, cover every
dependency of pyproject.toml, agree with each other, and are what this environment runs
(scripts/install.sh installs them with --require-hashes)."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def read_lock(name: str) -> dict[str, str]:
    """{package: version}; fails on a line that is neither a pin nor a sha256 hash of one."""
    pins: dict[str, str] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            pins[current] = match[2]
            continue
        assert current is not None and re.fullmatch(r"--hash=sha256:[0-9a-f]{64}( \\)?", stripped), \
            f"{name}: unexpected line {line!r}"
    return pins


def hashed(name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            counts[current] = 0
        elif current and line.strip().startswith("--hash=sha256:"):
            counts[current] += 1
    return counts


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_every_pin_has_hashes(lock):
    pins = read_lock(lock)
    counts = hashed(lock)
    assert pins and set(counts) == set(pins)
    assert [name for name, n in counts.items() if n == 0] == []


def test_the_locks_cover_pyproject_and_agree():
    run, test = read_lock("requirements.lock"), read_lock("requirements-test.lock")
    for text in project()["dependencies"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in run, f"{name} is missing from requirements.lock: run pip-compile (README)"
        assert requirement.specifier.contains(run[name], prereleases=True), (name, run[name])
    for text in project()["optional-dependencies"]["test"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in test, f"{name} is missing from requirements-test.lock: run pip-compile (README)"
        assert requirement.specifier.contains(test[name], prereleases=True), (name, test[name])
    assert {name: test.get(name) for name in run} == run, "the two locks pin different versions"


def test_this_environment_runs_the_locked_versions():
    """scripts/install.sh installs requirements-test.lock: the tests run what a server installs."""
    locked = read_lock("requirements-test.lock")
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    assert {name: installed.get(name) for name in locked} == locked
