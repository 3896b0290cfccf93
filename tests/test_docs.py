"""The project documents itself: every relative link in README.md and docs/ leads to a file
that a clone contains, and nothing points outside the repository."""
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def tracked_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git clone")
    return set(listed.stdout.split())


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_links_lead_to_files_of_the_clone(document):
    files = tracked_files()
    text = document.read_text()
    assert "../shared" not in text and "shared/" not in text
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (document.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), target
        assert str(path.relative_to(ROOT)) in files, f"{document.name} links to {target}, which a clone lacks"


def test_the_docs_cover_what_users_and_operators_meet():
    rules, api, operations = ((ROOT / "docs" / name).read_text() for name in ("rules.md", "api.md", "operations.md"))
    for topic in ("Expiry", "approval", "Reissue", "Disputes", "Monthly statements"):
        assert topic in rules
    assert "/api/v1/docs" in api
    for topic in ("PostgreSQL", "--workers", "Schedulers", "Upgrades", "init-db", "Backups", "Mail"):
        assert topic in operations
