"""The project's documents stand on their own: every rule id the code cites is stated in
docs/rules.md, and the README links only to files inside the repository."""

from __future__ import annotations

import re

from tests.support.paths import ROOT

RULES = ROOT / "docs" / "rules.md"
RULE_ID = re.compile(r"\brules? ([A-Z]\d)\b")


def _anchors() -> set[str]:
    return set(re.findall(r'<a id="([a-z]\d)"></a>', RULES.read_text(encoding="utf-8")))


def _cited() -> dict[str, str]:
    """Every rule id the package and the tests cite, with one place citing it."""
    cited: dict[str, str] = {}
    for folder in ("calfeed", "tests", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".html", ".txt"} or "node_modules" in path.parts:
                continue
            for rule in RULE_ID.findall(path.read_text(encoding="utf-8", errors="replace")):
                cited.setdefault(rule, str(path.relative_to(ROOT)))
    return cited


def test_every_cited_rule_has_its_paragraph() -> None:
    anchors = _anchors()
    missing = {rule: where for rule, where in _cited().items() if rule.lower() not in anchors}
    assert not missing, f"rule ids cited but not stated in docs/rules.md: {missing}"


def test_rules_document_states_each_rule_once() -> None:
    text = RULES.read_text(encoding="utf-8")
    for anchor in _anchors():
        assert text.count(f"**{anchor.upper()}.") == 1, anchor


def test_readme_links_stay_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)", readme):
        if re.match(r"[a-z]+:", target):
            continue  # an absolute URL, not a file
        assert not target.startswith(("/", "../")), target
        assert (ROOT / target).exists(), f"README links to a missing file: {target}"


ARCHITECTURE = ROOT / "docs" / "dev" / "architecture.md"
LONG = 300  # lines: past this a module says in docs/dev/architecture.md why it stays whole
ISSUE_REF = re.compile(r"\b[Ii]ssues? \d+\b")


def test_every_long_module_says_why_it_stays_whole() -> None:
    """A module over 300 lines has its line in architecture.md's table, or it is split."""
    rows = re.findall(r"^\| ([^|]+) \|", ARCHITECTURE.read_text(encoding="utf-8"), re.M)
    listed = {name for row in rows for name in re.findall(r"`([^`]+\.py)`", row)}
    package = ROOT / "calfeed"
    long = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if len(path.read_text(encoding="utf-8").splitlines()) > LONG
    }
    assert not long - listed, f"over {LONG} lines, not in architecture.md: {sorted(long - listed)}"


def test_modules_and_tests_name_what_they_own_never_an_issue() -> None:
    """Docstrings and comments say what code owns and why; an issue number tells a newcomer
    nothing (rule ids such as C1 are the domain's names and stay)."""
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("calfeed", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ISSUE_REF.search(line)
    ]
    assert not found, f"lines naming an issue: {found}"
