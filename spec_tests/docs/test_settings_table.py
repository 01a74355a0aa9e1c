"""The README's settings table is generated from config.py (`make docs`); it must match a fresh one."""

import dataclasses
import shutil
import tomllib
from pathlib import Path

import pytest

from reference_as import settings_doc
from reference_as.cli import parser
from reference_as.config import ENV_PREFIX, Settings, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def table_rows(table: str) -> dict[str, list[str]]:
    """setting name -> the cells of its row (backquotes removed)."""
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [cell.strip().strip("`") for cell in line.strip("|").split(" | ")]
        rows[cells[0]] = cells
    return rows


def test_the_readme_settings_table_equals_a_fresh_one_from_config():
    assert settings_doc.readme_table(README), "README.md lacks the settings table's markers"
    assert settings_doc.readme_table(README) == settings_doc.table(), (
        "README.md's settings table is stale: run `make docs` and commit the result"
    )


def test_every_setting_has_a_row_with_its_toml_name_environment_variable_and_meaning():
    rows = table_rows(settings_doc.table())
    assert list(rows) == [field.name for field in dataclasses.fields(Settings)]
    for name, (_, env, _flag, _default, meaning) in rows.items():
        assert env == ENV_PREFIX + name.upper()
        assert meaning, name


def test_each_default_in_the_table_read_back_from_a_toml_file_is_the_settings_default(tmp_path):
    """The default column is valid TOML and means what config.py means: a file made of it loads as Settings()."""
    rows = table_rows(settings_doc.table())
    text = "\n".join(f"{name} = {default}" for name, (_, _, _, default, _) in rows.items())
    assert set(tomllib.loads(text)) == set(rows)
    (tmp_path / "reference-as.toml").write_text(text)
    loaded = load_settings(str(tmp_path / "reference-as.toml"), environ={})
    assert loaded == dataclasses.replace(Settings(), issuer=loaded.issuer)  # the empty issuer is filled in on load
    assert loaded.issuer == f"http://{Settings.host}:{Settings.port}"


def test_each_flag_in_the_table_sets_its_setting_on_serve():
    flagged = {name: cells[2] for name, cells in table_rows(settings_doc.table()).items() if cells[2]}
    assert "port" in flagged and "access_token_ttl" not in flagged  # a flag where there is one, none elsewhere
    for name, flag in flagged.items():
        args = parser().parse_args(["serve", flag, str(getattr(Settings, name))])
        assert getattr(args, name) is not None, flag


def test_a_setting_without_a_meaning_written_under_it_stops_the_generator():
    @dataclasses.dataclass(frozen=True)
    class Partly:
        documented: int = 1
        """What it is."""
        bare: int = 2

    with pytest.raises(settings_doc.UndocumentedSetting, match="bare"):
        settings_doc.meanings(Partly)


def test_make_docs_rewrites_a_stale_table_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    shutil.copyfile(README, readme)
    stale = readme.read_text().replace(settings_doc.table(), "| an old table |")
    readme.write_text(stale)
    assert settings_doc.readme_table(readme) == "| an old table |"
    assert settings_doc.write_into(readme) is True
    assert settings_doc.readme_table(readme) == settings_doc.table()
    assert settings_doc.write_into(readme) is False  # a second run changes nothing
    assert readme.read_text().replace(settings_doc.table(), "") == stale.replace("| an old table |", "")
