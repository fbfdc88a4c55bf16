"""The direction of imports (docs/architecture.md), checked by parsing every module of chibo/ with
`ast`: imports inside functions count as much as those at the top of a file."""

import ast
import sys
from pathlib import Path

import pytest

CHIBO = Path(__file__).resolve().parent.parent / "chibo"

#: Plain Python: no Django, and from chibo only other modules of this list. They run without a
#: database or settings (the rule engine, `chibo audit FILE`, the year plan, the code lists).
PURE = (
    "chibo.vocabulary",
    "chibo.limits",
    "chibo.orgs.codes",
    "chibo.orgs.vntext",
    "chibo.rules.engine",
    "chibo.rules.profile",
    "chibo.rules.rubric",
    "chibo.meetings.planning.yearplan",
    "chibo.meetings.lifecycle",
    "chibo.interchange.validate",
    "chibo.interchange.auditjson",
    "chibo.fees.calculator",
)
#: The documents package builds Word and PDF files from plain data: no ORM, no models. Only its
#: database side (DOCUMENTS_DB: the adapter that reads the record into that plain data, the
#: download views and their routes) touches the ORM, and the layout never imports it.
DOCUMENTS = "chibo.meetings.documents"
DOCUMENTS_DB = ("chibo.meetings.documents.adapter", "chibo.meetings.documents.views",
                "chibo.meetings.documents.urls")
#: The meetings app: one sub-package per stage of a meeting's life, built on the modules the stages
#: share at the app's root; those never import a stage (except the documents' plain data, a layout
#: with no ORM that the pages print from).
MEETINGS_STAGES = tuple(f"chibo.meetings.{s}" for s in ("planning", "preparation", "recording", "ballot", "documents"))
MEETINGS_SHARED = tuple(f"chibo.meetings.{m}" for m in ("models", "lifecycle", "access", "facts", "evaluation",
                                                         "selectors", "dates"))
#: The apps from the bottom up: an app imports only apps of a lower rank (and its own modules);
#: `jobs` (rank 0, the background-job engine) imports no app and every app may use it.
RANK = {"jobs": 0, "orgs": 1, "rules": 2, "supervision": 2, "notices": 2, "fees": 2, "meetings": 3, "interchange": 4, "results": 5,
        "reports": 6, "accounts": 6, "changelog": 6, "api": 7, "home": 7,
        "reminders": 8}
#: What every app may use: the change log's writers and the project's small shared modules; and
#: every pure module (PURE), which imports nothing but pure modules and so cannot close a cycle
#: (the roll page of `orgs` counts with the rule engine).
SHARED = ("chibo.changelog.record", "chibo.changelog.models", "chibo.changelog.middleware")
#: Entry points sit above every app: they wire things together and nothing imports them.
ENTRY_POINTS = ("chibo.urls", "chibo.cli", "chibo.wsgi", "chibo.settings", "chibo.orgs.demo")
#: Imports that break a rule today, each with the reason; a test fails when one disappears, so
#: the list only shrinks (issue 11, items 3 and 5).
KNOWN = {
    ("chibo.rules.views", "chibo.reports.views"): "the profile page reuses the compliance page's view",
    ("chibo.reports.views", "chibo.orgs.views"): "the `today` query-parameter helper lives in a view module",
}


def module_name(path: Path, root: Path = CHIBO.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path = CHIBO.parent) -> set[str]:
    """Every module `path` imports (absolute names; `from a import b` yields a and a.b)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imported(p) for p in CHIBO.rglob("*.py") if "migrations" not in p.parts}


GRAPH = graph()


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def app(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def modules_only(names: set[str]) -> set[str]:
    """The imported modules of chibo: drops `from m import SomeClass` names, and packages
    (`from chibo.changelog import record` is checked as chibo.changelog.record)."""
    return {n for n in names if n in GRAPH and not (CHIBO.parent / n.replace(".", "/") / "__init__.py").exists()}


def violations() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for name, names in GRAPH.items():
        targets = modules_only(names)
        if within(name, PURE):
            for n in names:
                if n.split(".")[0] == "django":
                    found[(name, n)] = "a pure module imports Django"
            for n in targets:
                if not within(n, PURE):
                    found[(name, n)] = "a pure module imports a module that is not pure"
        if within(name, (DOCUMENTS,)) and not within(name, DOCUMENTS_DB):
            for n in names:
                if n.startswith("django.db") or n.startswith("django.contrib"):
                    found[(name, n)] = "the documents package touches the ORM"
            for n in targets:
                if not within(n, (DOCUMENTS, *PURE)) or within(n, DOCUMENTS_DB):
                    found[(name, n)] = "the documents package imports outside itself"
        if within(name, MEETINGS_SHARED):
            for n in targets:
                if within(n, MEETINGS_STAGES) and not (within(n, (DOCUMENTS,)) and not within(n, DOCUMENTS_DB)):
                    found[(name, n)] = "a module the meetings stages share imports a stage"
        last = name.rpartition(".")[2]
        for n in targets:
            target_last = n.rpartition(".")[2]
            if target_last.startswith("views") and app(n) != "" and not last.startswith("urls") \
                    and name not in ENTRY_POINTS and not (app(n) == app(name) and last.startswith("views")):
                found[(name, n)] = "only urls modules import views"
            if last == "models" and target_last.split("_")[0] in ("services", "selectors", "views", "forms"):
                found[(name, n)] = "a models module imports services, selectors, views or forms"
            if last.split("_")[0] in ("services", "selectors") and target_last.split("_")[0] in ("views", "forms"):
                found[(name, n)] = "a service or selector imports views or forms"
            if app(n) == "api" and app(name) != "api" and name not in ENTRY_POINTS:
                found[(name, n)] = "only the project's urls import the API"
            if ".management" in n and ".management" not in name:
                found[(name, n)] = "a management command is imported"
            a, b = app(name), app(n)
            if (a in RANK and b in RANK and a != b and RANK[b] >= RANK[a] and not within(n, SHARED + PURE)
                    and not within(name, ENTRY_POINTS) and ".management." not in name):
                found[(name, n)] = f"{a} (rank {RANK[a]}) imports {b} (rank {RANK[b]})"
    return found


def test_every_app_has_a_rank():
    apps = {p.parent.name for p in CHIBO.glob("*/apps.py")}
    assert apps == set(RANK), "add the new app to RANK here and to docs/architecture.md"


def test_the_pure_modules_exist():
    for name in PURE:
        assert name in GRAPH, name


@pytest.mark.parametrize("rule", ["new", "stale"])
def test_imports_follow_the_direction(rule):
    found = violations()
    # An exception covers the module pair, whatever names are imported from the target.
    pairs = {(a, b) for a, b in found}
    if rule == "new":
        new = {k: v for k, v in found.items() if k not in KNOWN}
        assert not new, "forbidden imports (docs/architecture.md):\n" + "\n".join(
            f"  {a} -> {b}: {why}" for (a, b), why in sorted(new.items()))
    else:
        stale = set(KNOWN) - pairs
        assert not stale, f"no longer imported, remove from KNOWN: {sorted(stale)}"


def test_the_parser_resolves_relative_and_lazy_imports(tmp_path):
    package = tmp_path / "chibo" / "rules"
    package.mkdir(parents=True)
    source = package / "engine.py"
    source.write_text("import json\n\ndef f():\n    from django.db import models\n    from .models import RuleProfile\n"
                      "    from ..orgs import access\n")
    assert imported(source, tmp_path) == {"json", "django.db", "django.db.models", "chibo.rules.models",
                                          "chibo.rules.models.RuleProfile", "chibo.orgs", "chibo.orgs.access"}


def test_the_rules_catch_forbidden_imports(monkeypatch):
    fake = {name: set(names) for name, names in GRAPH.items()}
    fake["chibo.rules.engine"] |= {"django.db", "chibo.orgs.models"}
    fake["chibo.meetings.documents.data"] |= {"chibo.meetings.models"}
    fake["chibo.meetings.documents.pdf_builder"] |= {"chibo.meetings.documents.adapter"}
    fake["chibo.meetings.facts"] |= {"chibo.meetings.recording.services"}
    fake["chibo.orgs.selectors"] |= {"chibo.meetings.models"}
    fake["chibo.reports.services"] |= {"chibo.meetings.recording.views"}
    fake["chibo.meetings.models"] |= {"chibo.meetings.recording.services"}
    monkeypatch.setattr(sys.modules[__name__], "GRAPH", fake)
    found = violations()
    for pair in [("chibo.rules.engine", "django.db"), ("chibo.rules.engine", "chibo.orgs.models"),
                 ("chibo.meetings.documents.data", "chibo.meetings.models"),
                 ("chibo.meetings.documents.pdf_builder", "chibo.meetings.documents.adapter"),
                 ("chibo.meetings.facts", "chibo.meetings.recording.services"),
                 ("chibo.orgs.selectors", "chibo.meetings.models"), ("chibo.reports.services", "chibo.meetings.recording.views"),
                 ("chibo.meetings.models", "chibo.meetings.recording.services")]:
        assert pair in found, pair
