"""docs/*.md for each grant (and for registration and MCP) are generated from a real run
(`make docs`); they must match a fresh one."""

from pathlib import Path

from reference_as.playground import docs

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_each_grant_page_equals_a_fresh_run_of_the_generator(tmp_path):
    written = docs.generate(tmp_path)
    assert [path.name for path in written] == [
        "authorization-code.md",
        "client-credentials.md",
        "refresh.md",
        "revocation.md",
        "introspection.md",
        "device.md",
        "openid-connect.md",
        "registration.md",
        "mcp.md",
    ]
    stale = [
        path.name
        for path in written
        if not (DOCS / path.name).is_file()
        or (DOCS / path.name).read_text(encoding="utf-8") != path.read_text(encoding="utf-8")
    ]
    assert not stale, f"docs/ is stale ({', '.join(stale)}): run `make docs` and commit the result"


def test_two_runs_write_the_same_pages(tmp_path):
    first, second = docs.generate(tmp_path / "first"), docs.generate(tmp_path / "second")
    assert [path.read_text() for path in first] == [path.read_text() for path in second]


def test_the_pages_hold_no_value_of_the_run_only_placeholders(tmp_path):
    """Every secret and token of the run is a placeholder; each page carries a diagram and the RFC links."""
    for path in docs.generate(tmp_path):
        text = path.read_text()
        assert "```mermaid\nsequenceDiagram" in text, path.name
        assert "https://www.rfc-editor.org/rfc/" in text, path.name
        assert "⟦" not in text and "eyJ" not in text, path.name  # no marker left, no JWT in clear
    code_page = (tmp_path / "authorization-code.md").read_text()
    for placeholder in ("<client-secret-1>", "<code-1>", "<code-verifier-1>", "<access-token-1>", "<state-1>"):
        assert placeholder in code_page
