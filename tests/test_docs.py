"""The documentation: the site in docs/ builds with MkDocs with warnings as errors (a link to a
missing page or anchor, a page left out of the navigation), and the README's links lead somewhere."""

import re
import subprocess
import sys
from urllib.parse import unquote

import pytest
from markdown.extensions.toc import slugify

from autograder import ROOT
from simulated_class import students as simulated

LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", flags=re.M | re.S)


def links(path):
    """The targets of a Markdown file's inline links, outside its code blocks."""
    return LINK.findall(FENCE.sub("", path.read_text(encoding="utf-8")))


def anchors(path):
    """The ids MkDocs gives a Markdown file's headings (GitHub gives these headings the same)."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    headings = re.findall(r"^#{1,6} +(.+?) *#*$", text, flags=re.M)
    return {
        slugify(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", h).replace("`", ""), "-") for h in headings
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built with --strict: any warning fails the build."""
    site = tmp_path_factory.mktemp("docs") / "site"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    return site


def test_the_site_builds_with_warnings_as_errors_and_holds_every_guide(site):
    pages = sorted(path.stem for path in (ROOT / "docs").glob("*.md"))
    assert {"index", "instructors", "students", "developers", "hub"} <= set(pages)
    for page in pages:
        html = site / ("index.html" if page == "index" else f"{page}/index.html")
        assert html.is_file(), page
    assert "Grading your class" in (site / "instructors" / "index.html").read_text("utf-8")


def test_the_anchors_computed_here_are_those_of_the_site(site):
    for page in (ROOT / "docs").glob("*.md"):
        html = site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")
        ids = set(re.findall(r'<h[1-6][^>]* id="([^"]+)"', html.read_text("utf-8")))
        assert anchors(page) <= ids, (page.name, sorted(anchors(page) - ids))


def test_every_relative_link_in_the_readme_points_at_an_existing_file_and_heading():
    readme = ROOT / "README.md"
    targets = [t for t in links(readme) if not re.match(r"[a-z][a-z0-9+.-]*:", t)]
    assert len(targets) >= 10, targets  # the README leads into the guides
    for target in targets:
        file, _, anchor = unquote(target).partition("#")
        path = (readme.parent / file).resolve() if file else readme
        assert path.is_relative_to(ROOT) and path.exists(), (
            f"README.md links to {target}: no such file"
        )
        if anchor:
            assert path.suffix == ".md", (
                f"README.md links to {target}: an anchor in a file that is no page"
            )
            assert anchor in anchors(path), (
                f"README.md links to {target}: {file or 'README.md'} has no such heading"
            )


def test_the_students_guide_states_no_closed_form_of_a_graded_quantity():
    # students read the site's guide as they read their folder: it names quantities, it does not solve them
    from closed_forms import lines_with_closed_forms

    assert (
        lines_with_closed_forms((ROOT / "docs" / "students.md").read_text(encoding="utf-8")) == []
    )


def test_the_guides_state_the_simulated_classs_sizes_as_its_generator_has_them():
    readme, home, instructors = (
        (ROOT / name).read_text(encoding="utf-8")
        for name in ("README.md", "docs/index.md", "docs/instructors.md")
    )
    assert f"simulated class of {simulated.DEFAULT_SIZE}\n" in readme
    assert f"simulated class of {simulated.DEFAULT_SIZE}\n" in home
    for name in ("DEFAULT_SIZE", "MISTAKEN_STUDENTS", "MINIMUM_SIZE"):
        assert f"`{name}` ({getattr(simulated, name)})" in instructors, name
    assert f"(`s01` … `s{simulated.DEFAULT_SIZE}`)" in instructors
