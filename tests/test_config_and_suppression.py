"""Config (contract 5), inline suppression comments, allow-words and stigma context."""

from __future__ import annotations

from pathlib import Path

import pytest

from letterlint import Config, ConfigError, check_bytes, check_text
from letterlint.core.config import load_context


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_debt_collector_disclosure_and_judgment_debtor_are_not_stigmatising() -> None:
    text = (
        "This communication is from a debt collector. The court order names you as the judgment debtor. "
        'The form calls you the "debtor" in section 2.'
    )
    assert "LL101" not in codes(check_text(text))


def test_allow_words_exempt_jargon_and_stigma() -> None:
    text = "Dear Sam, this letter is without prejudice. The debtor named in the order is you."
    assert {"LL101", "LL206"} <= set(codes(check_text(text)))
    cfg = Config(allow_words=("without prejudice", "Debtor"))
    assert not {"LL101", "LL206"} & set(codes(check_text(text, config=cfg)))


def test_off_on_region_in_markdown() -> None:
    text = (
        "Dear Sam,\n\n<!-- letterlint: off -->\n> Section 86B says the debtor must be told...\n"
        "<!-- letterlint: on -->\n\nYou are a debtor.\n"
    )
    found = [f for f in check_text(text, kind="markdown") if f.code == "LL101"]
    assert [f.line for f in found] == [7]


def test_disable_for_rest_of_file_and_next_line_in_jinja() -> None:
    text = (
        "Hello {{ name }},\nYou are a debtor.\n{# letterlint: disable-next-line=LL101 #}\nDebtors pay late.\n"
        "{# letterlint: disable=stigmatising-language #}\nDebtor again.\n"
    )
    found = [f.line for f in check_text(text, kind="jinja") if f.code == "LL101"]
    assert found == [2]


def test_handlebars_and_html_comments_suppress() -> None:
    hbs = "Dear {{name}},\n{{! letterlint: disable=LL101 }}\nYou are a debtor.\n"
    assert "LL101" not in codes(check_text(hbs, kind="handlebars"))
    html = "<p>Dear Sam,</p><!-- letterlint: disable-next-line=LL101 -->\n<p>You are a debtor.</p>"
    assert "LL101" not in codes(check_text(html, kind="html"))


def test_unknown_code_in_a_comment_is_a_note() -> None:
    res = check_bytes(b"Dear Sam,\n<!-- letterlint: disable=LL999 -->\nYou are a debtor.\n", "x.md")
    assert any("LL999" in n for n in res.notes)
    assert "LL101" in codes(res.findings)


def test_plain_text_ignores_comment_syntax() -> None:
    # plain text has no comments: per-file-ignores is the way
    text = "Dear Sam,\n<!-- letterlint: disable=LL101 -->\nYou are a debtor.\n"
    assert "LL101" in codes(check_text(text, kind="text"))


def test_config_validation() -> None:
    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        Config.from_mapping({"colour": "red"})
    with pytest.raises(ConfigError, match="fail-on"):
        Config.from_mapping({"fail-on": "sometimes"})
    with pytest.raises(ConfigError, match="per-file-ignores"):
        Config.from_mapping({"per-file-ignores": ["x"]})
    with pytest.raises(ConfigError, match="unknown rule selector"):
        check_text("hi", config=Config(select=("no-such-rule",)))
    with pytest.raises(ConfigError, match="'templates' must be the path of a folder"):
        Config.from_mapping({"templates": ["letters"]})
    with pytest.raises(ConfigError, match="'templates'"):
        Config.from_mapping({"templates": "  "})


def test_templates_folder_is_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "letterlint.toml").write_text('templates = "letters"\n')
    sub = tmp_path / "deep"
    sub.mkdir()
    cfg = Config.load(start=sub)
    assert cfg.templates_dir == (tmp_path / "letters").resolve()
    assert Config().templates_dir == Path(".") / "sample_letters"


def test_config_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "ctx.yaml").write_text("customer:\n  first_name: Sam\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.letterlint]\ncontext = "ctx.yaml"\nexclude = ["archive/*"]\n'
    )
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    cfg = Config.load(start=sub)
    assert cfg.context == str((tmp_path / "ctx.yaml").resolve())
    assert cfg.is_excluded(tmp_path / "archive" / "old.txt")
    assert not cfg.is_excluded(tmp_path / "letters" / "new.txt")


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "letterlint.toml").write_text('fail-on = "error"\n')
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname='x'\n")
    assert Config.load(start=inner).fail_on == "error"


def test_template_variables_against_context(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx.json"
    ctx.write_text('{"customer": {"first_name": "Sam"}, "invoice": {"amount": "£5"}}')
    from letterlint.engine.linter import Linter
    from letterlint.reading.readers import read_text

    src = read_text(
        "Dear {{ customer.first_name }},\nPlease pay {{ invoice.amount }} by {{ invoice.due_date }}.\n",
        "t.j2",
        "jinja",
    )
    res = Linter(Config(), context_file=str(ctx)).lint(src)
    undefined = [f for f in res.findings if f.code == "LL801"]
    assert [f.text for f in undefined] == ["{{ invoice.due_date }}"]
    assert undefined[0].line == 2


def test_bad_context_file_is_a_config_error(tmp_path: Path) -> None:
    p = tmp_path / "ctx.yaml"
    p.write_text("- just\n- a list\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_context(p)
