"""The README and docs point only to documentation a clone contains."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_relative_link_and_path_in_the_docs_exists():
    for doc in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        targets = re.findall(r"\]\(([^)#\s]+)\)", text)               # markdown links
        targets += re.findall(r"`((?:docs|derivations|benchmarks)/[\w./-]+)`", text)  # paths in code spans
        for target in targets:
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            base = doc.parent if not target.startswith(("docs/", "derivations/", "benchmarks/")) else ROOT
            assert (base / target).exists(), f"{doc.name}: {target} does not exist in the project"


def test_no_document_points_outside_the_repository_to_the_shared_spec():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        assert "shared/spec" not in text and "../spec/" not in text, doc.name


def test_the_shipped_spec_has_the_sections_the_code_cites():
    spec = (ROOT / "docs" / "spec" / "rank_one_denoising.md").read_text(encoding="utf-8")
    for section in ("## 5", "## 6", "## 9"):
        assert section in spec


def test_the_cli_contract_shows_the_shape_of_every_command():
    from symdyn.cli import cli

    contract = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    shapes = set(re.findall(r"^symdyn (\w+)", contract, flags=re.M))
    assert set(cli.list_commands(None)) <= shapes
