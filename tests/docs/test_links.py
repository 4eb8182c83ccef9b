"""Every relative link in README.md, accounts/README.md and docs/ leads somewhere: to a file
of the repository and, with a #fragment into Markdown, to one of that file's headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.markdown import DOCUMENTS, ROOT, anchors, links, slug


def _broken(document: Path, root: Path = ROOT) -> list[str]:
    broken = []
    for number, target in links(document.read_text()):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, fragment = target.partition("#")
        resolved = (document.parent / path).resolve() if path else document
        where = f"{document.relative_to(root)}:{number}: {target}"
        if not resolved.exists():
            broken.append(f"{where}: no such file")
        elif (
            fragment and resolved.suffix == ".md" and fragment not in anchors(resolved.read_text())
        ):
            broken.append(f"{where}: no heading with the anchor #{fragment}")
    return broken


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_relative_links_resolve(document: Path) -> None:
    assert _broken(document) == []


def test_a_broken_link_or_anchor_is_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## What `synth` proves, and why\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#what-synth-proves-and-why) [no file](missing.md)\n"
        "[no heading](other.md#nowhere) [here](#top)\n"
        "```\n[in code](missing-too.md)\n```\n`[in a span](gone.md)`\n"
    )

    assert [line.split(": ", 1)[1] for line in _broken(page, tmp_path)] == [
        "missing.md: no such file",
        "other.md#nowhere: no heading with the anchor #nowhere",
        "#top: no heading with the anchor #top",
    ]


def test_github_anchors() -> None:
    assert slug("What happens when ...") == "what-happens-when-"
    assert slug("`accounts add` and `discover` filters") == "accounts-add-and-discover-filters"
    assert (
        slug("Shards: rendezvous hashing and `reshard`") == "shards-rendezvous-hashing-and-reshard"
    )
    assert anchors("## Sizing\n\n## Sizing\n") == {"sizing", "sizing-1"}
