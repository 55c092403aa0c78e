"""README stays true: its column tables are the importer's, every setting the code reads is
documented, every page of the navigation is described."""

import re
from pathlib import Path

import pytest

from kamdash import files, navigation

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def readme_table(kind: str) -> list[tuple[str, bool, str]]:
    """(column, required, what goes in) of the README's table for ``kind``."""
    section = README.split(f"**{kind}** (natural key:", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    out = []
    for line in rows:
        name, required, help_ = re.match(r"\| `(\w+)` \| (yes)? *\| (.*) \|$", line).groups()
        out.append((name, required == "yes", help_.replace("\\|", "|")))
    return out


@pytest.mark.parametrize("kind", files.KINDS)
def test_readme_documents_exactly_the_columns_the_importer_takes(kind):
    assert readme_table(kind) == [(c.name, c.required, c.help) for c in files.kind(kind).columns]
    assert f"**{kind}** (natural key: {', '.join(files.kind(kind).natural_key)})" in README


def test_every_setting_the_code_reads_is_documented():
    code = "".join(p.read_text() for p in [*(ROOT / "kamdash").rglob("*.py"),
                                            *(ROOT / "pages").glob("*.py"),
                                            ROOT / "streamlit_app.py", *(ROOT / "tests").rglob(
                                                "conftest.py")])
    settings = set(re.findall(r"\bKAMDASH_[A-Z_]+\b", code))
    assert settings, "found no settings: the pattern is wrong"
    assert sorted(s for s in settings if f"`{s}`" not in README) == []


def test_every_page_of_the_navigation_is_described():
    titles = [p.title for p in navigation.PAGES]  # every page a user can open
    table = README.split("## Pages", 1)[1].split("## ", 1)[0]
    assert [t for t in titles if f"**{t}**" not in table] == []
