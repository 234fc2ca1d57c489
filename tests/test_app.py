"""The template editor's main flows, driven through Streamlit's AppTest (no browser).

Each test runs the app in a temporary folder whose ``letterlint.toml`` points the
``templates`` key at a copy of two sample letters, so saving never touches the repository.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("streamlit")

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from letterlint import fix_text  # noqa: E402

from .conftest import ROOT, SAMPLES, make_docx, modules_loaded  # noqa: E402

APP = str(ROOT / "app.py")
SAVE_AS = "File name in the templates folder"
THREAT = "Dear debtor,\n\nFailure to pay will result in legal action.\n\nCredit Control\n"


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    letters = tmp_path / "letters"
    letters.mkdir()
    for name in ("bad-first-reminder.txt", "good-saas-dunning.j2"):
        shutil.copy(SAMPLES / name, letters / name)
    (tmp_path / "letterlint.toml").write_text('templates = "letters"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    st.cache_resource.clear()  # the config is cached per server: load this folder's
    return letters


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def editor(at: AppTest) -> dict:
    """What the editor component was sent: the letter, its highlights and its cards."""
    (component,) = at.get("bidi_component")
    return json.loads(component.proto.json)


def cards(at: AppTest) -> list[dict]:
    return [c for g in editor(at)["groups"] for c in g["cards"]]


def codes(at: AppTest) -> list[str]:
    return [c["code"] for c in cards(at)]


def html_bodies(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def type_letter(at: AppTest, text: str) -> AppTest:
    """What the editor component does after a pause in typing: the text becomes the letter."""
    at.session_state["letter"] = text
    at.run()
    assert not at.exception
    return at


def press(at: AppTest, action: str, code: str) -> AppTest:
    """Press a button on the first card of ``code`` (the component stores what was pressed)."""
    card = next(c for c in cards(at) if c["code"] == code)
    at.session_state["pending_action"] = {"do": action, "id": card["id"]}
    at.run()
    assert not at.exception
    return at


def field(at: AppTest, label: str):  # noqa: ANN201 - a Streamlit test element
    """A text box by its label (the editor versions some widget keys, see app.py)."""
    return next(t for t in at.text_input if t.label == label)


def open_template(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="template").select(name).run()
    at.button(key="open").click().run()
    assert not at.exception
    return at


def test_open_a_sample_from_the_templates_folder(workspace: Path) -> None:
    at = start()
    assert at.selectbox(key="template").options == [
        "bad-first-reminder.txt",
        "good-saas-dunning.j2",
    ]
    open_template(at, "bad-first-reminder.txt")
    assert at.session_state["letter"] == (workspace / "bad-first-reminder.txt").read_text(
        encoding="utf-8"
    )
    assert {"LL501", "LL201", "LL401"} <= set(codes(at))
    assert metric(at, "Customer-first score").endswith("/100")
    assert metric(at, "Reading ease") == "53"
    open_template(at, "good-saas-dunning.j2")
    assert at.session_state["kind"] == "jinja"
    assert "LL101" not in codes(at)
    at.button(key="undo").click().run()  # back to the first letter, and to its file
    assert (
        at.session_state["name"] == "bad-first-reminder.txt" and at.session_state["kind"] == "text"
    )
    assert at.session_state["letter"] == (workspace / "bad-first-reminder.txt").read_text(
        encoding="utf-8"
    )


def test_edit_the_text_and_see_findings_highlighted(workspace: Path) -> None:
    text = THREAT + "<b>bold</b> $5 or $x$\n"
    at = type_letter(start(), text)
    found = codes(at)
    assert "LL101" in found and any(c.startswith("LL3") for c in found)
    data = editor(at)
    assert data["text"] == text and "".join(p[0] for p in data["pieces"]) == text
    debtor = next(p for p in data["pieces"] if p[0] == "debtor")
    assert debtor[1] == "ll-error ll-stigmatising-language" and debtor[3][0].startswith("LL101-")
    assert debtor[2].startswith("Stigmatising language: ‘debtor’ → ‘customer’")
    assert any(
        "<b>bold</b>" in p[0] for p in data["pieces"]
    )  # sent as text; the component never parses it
    # the rule's explanation is there, with its source
    assert any(
        "Money Advice Scotland" in src for _, sources in data["why"].values() for src in sources
    )
    type_letter(at, "Dear Sam,\n\nThank you for your payment.\n\nPriya Shah\n")
    assert "LL101" not in codes(at)
    assert not at.exception


def test_accept_one_suggestion_shows_a_diff_and_undo(workspace: Path) -> None:
    at = type_letter(start(), THREAT)
    rev = editor(at)["rev"]
    press(at, "accept", "LL101")
    assert at.session_state["letter"] == THREAT.replace("debtor", "customer")
    assert (
        editor(at)["text"] == at.session_state["letter"] and editor(at)["rev"] > rev
    )  # the editor shows it
    assert "LL101" not in codes(at)
    diff = next(b for b in html_bodies(at) if 'class="ll-diff"' in b)
    assert ">debtor</del>" in diff and ">customer</ins>" in diff
    at.button(key="undo").click().run()
    assert at.session_state["letter"] == THREAT and "LL101" in codes(at)


def test_accept_all_safe_fixes(workspace: Path) -> None:
    at = open_template(start(), "bad-first-reminder.txt")
    before = at.session_state["letter"]
    at.button(key="fix_all").click().run()
    assert not at.exception
    after = at.session_state["letter"]
    assert after == fix_text(before).text and after != before
    assert "with reference to" in before and "with reference to" not in after
    assert "safe fix" in at.info[0].value


def test_full_rewrite_then_undo(workspace: Path) -> None:
    at = type_letter(start(), THREAT)
    at.button(key="rewrite").click().run()
    assert not at.exception
    new = at.session_state["letter"]
    assert at.session_state["kind"] == "jinja"
    assert "{{ customer.first_name }}" in new and "debtor" not in new.lower()
    assert "LL101" not in codes(at)
    at.button(key="undo").click().run()
    assert at.session_state["letter"] == THREAT and at.session_state["kind"] == "text"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("bad-medical-bill.html", "html"),
        ("bad-letter-before-action.md", "markdown"),
        ("bad-saas-dunning.hbs", "handlebars"),
    ],
)
def test_a_rewrite_keeps_the_letters_kind_when_it_keeps_its_format(
    workspace: Path, name: str, kind: str
) -> None:
    shutil.copy(SAMPLES / name, workspace / name)
    at = open_template(start(), name)
    assert at.session_state["kind"] == kind
    at.button(key="rewrite").click().run()
    assert not at.exception and at.session_state["letter"] != (SAMPLES / name).read_text()
    assert at.session_state["kind"] == kind
    if kind == "html":
        assert "<p>" in at.session_state["letter"]
    if kind == "handlebars":
        assert "{{" in at.session_state["letter"] and "{%" not in at.session_state["letter"]


def test_rewrite_fills_the_preview_with_the_letters_own_values(workspace: Path) -> None:
    at = open_template(start(), "bad-first-reminder.txt")
    at.button(key="rewrite").click().run()
    assert field(at, "invoice.amount").value == "£245.60"
    assert field(at, "customer.first_name").value == "Amara"  # not in the letter: the sample value
    assert field(at, SAVE_AS).value == "bad-first-reminder.j2"
    preview = next(b for b in html_bodies(at) if 'class="ll-preview"' in b)
    assert "£245.60" in preview and "Dear Amara," in preview and "{{" not in preview


def test_preview_with_an_edited_customer(workspace: Path) -> None:
    at = start()
    at.selectbox(key="kind").select("jinja").run()
    type_letter(
        at,
        "Dear {{ customer.first_name }},\n\nPlease pay {{ invoice.amount }} by {{ invoice.due_date }}.\n",
    )
    field(at, "customer.first_name").input("Zoë").run()
    preview = next(b for b in html_bodies(at) if 'class="ll-preview"' in b)
    assert "Dear Zoë," in preview and "£182.40" in preview and "14 March 2026" in preview
    at.button(key="reset_customer").click().run()
    preview = next(b for b in html_bodies(at) if 'class="ll-preview"' in b)
    assert "Dear Amara," in preview and field(at, "customer.first_name").value == "Amara"


def test_export_to_a_dialect(workspace: Path) -> None:
    at = start()
    at.selectbox(key="kind").select("jinja").run()
    type_letter(
        at,
        "Dear {{ customer.first_name | default('there') }},\n\n"
        "{% if payment.link %}Pay at {{ payment.link }}.{% else %}Call us.{% endif %}\n",
    )
    at.selectbox(key="dialect").select("mailchimp").run()
    assert not at.exception and not at.error
    assert at.code[0].value.startswith("Dear *|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*,")
    assert (
        "*|IF:PAYMENT_LINK|*Pay at *|PAYMENT_LINK|*.*|ELSE:|*Call us.*|END:IF|*" in at.code[0].value
    )
    button = at.get("download_button")[0].proto
    assert button.label == "Download pasted-mailchimp.txt"
    at.selectbox(key="dialect").select("liquid").run()
    assert "{{ customer.first_name | default: 'there' }}" in at.code[0].value
    at.selectbox(key="dialect").select("docx").run()
    assert at.get("download_button")[0].proto.label == "Download pasted-docx.docx" and not at.code
    # a construct the target cannot say is explained (file and line), not exported half-right
    open_template(at, "good-saas-dunning.j2")
    at.selectbox(key="dialect").select("liquid").run()
    assert any(
        e.value.startswith("good-saas-dunning.j2 cannot be exported to liquid: line 3:")
        for e in at.error
    )
    assert not at.get("download_button")


def test_save_with_a_conflict_keeps_both(workspace: Path) -> None:
    at = open_template(start(), "bad-first-reminder.txt")
    original = workspace / "bad-first-reminder.txt"
    type_letter(at, at.session_state["letter"].replace("Dear Sir/Madam", "Dear Ms Okafor"))
    original.write_text("Changed by a colleague.\n", encoding="utf-8")
    at.button(key="save").click().run()
    assert not at.exception
    assert "changed on disk since you opened it" in at.warning[0].value
    assert original.read_text(encoding="utf-8") == "Changed by a colleague.\n"
    at.button(key="keep_both").click().run()
    second = workspace / "bad-first-reminder (2).txt"
    assert second.exists() and "Dear Ms Okafor" in second.read_text(encoding="utf-8")
    assert original.read_text(encoding="utf-8") == "Changed by a colleague.\n"
    assert not at.warning
    # the editor now works on the new file, so saving again writes it in place
    type_letter(at, at.session_state["letter"] + "\nP.S. Thank you.\n")
    at.button(key="save").click().run()
    assert not at.warning and second.read_text(encoding="utf-8").endswith("P.S. Thank you.\n")


def test_save_with_a_conflict_can_overwrite(workspace: Path) -> None:
    at = open_template(start(), "bad-first-reminder.txt")
    original = workspace / "bad-first-reminder.txt"
    original.write_text("Changed by a colleague.\n", encoding="utf-8")
    at.button(key="save").click().run()
    assert at.warning
    at.button(key="overwrite").click().run()
    assert original.read_text(encoding="utf-8") == at.session_state["letter"]
    assert not (workspace / "bad-first-reminder (2).txt").exists()


def test_save_a_pasted_letter_as_a_new_file(workspace: Path) -> None:
    at = type_letter(start(), THREAT)
    field(at, SAVE_AS).input("pasted-reminder.txt").run()
    at.button(key="save").click().run()
    assert (workspace / "pasted-reminder.txt").read_text(encoding="utf-8") == THREAT
    assert "pasted-reminder.txt" in at.selectbox(key="template").options
    field(at, SAVE_AS).input("../escape.txt").run()
    at.button(key="save").click().run()
    assert any("not a file name inside the templates folder" in e.value for e in at.error)
    assert not (workspace.parent / "escape.txt").exists()


@pytest.mark.parametrize(
    "name,data,expected",
    [
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
            "Could not open photo.txt: file looks binary",
        ),
        ("letter.docx", b"PK\x03\x04 not really a zip archive", "Could not open letter.docx:"),
    ],
)
def test_bad_uploads_show_an_error_and_the_app_keeps_working(
    workspace: Path, name: str, data: bytes, expected: str
) -> None:
    at = type_letter(start(), THREAT)
    at.session_state["pending_upload"] = (name, data)  # what the uploader's callback stores
    at.run()
    assert not at.exception
    assert any(e.value.startswith(expected) for e in at.error)
    assert at.session_state["letter"] == THREAT  # the letter being edited is kept
    type_letter(at, "Dear Sam, you are a debtor.")
    assert "LL101" in codes(at)


def test_broken_template_upload_names_the_file_and_line(workspace: Path) -> None:
    at = start()
    at.session_state["pending_upload"] = (
        "broken.j2",
        b"Dear {{ customer.first_name }},\n\n{% if x %}\nPay now.\n",
    )
    at.run()
    assert not at.exception
    assert any(e.value.startswith("broken.j2: line ") for e in at.error)
    type_letter(at, "Dear {{ customer.first_name }},\n\nYou are a debtor.\n")
    assert not any("broken.j2: line" in e.value for e in at.error) and "LL101" in codes(at)


def test_docx_upload_is_edited_as_its_text(workspace: Path) -> None:
    at = start()
    at.session_state["pending_upload"] = ("final.docx", make_docx("Dear debtor,\nPay [[NOW]]."))
    at.run()
    assert (
        at.session_state["letter"].startswith("Dear debtor,") and at.session_state["kind"] == "text"
    )
    assert field(at, SAVE_AS).value == "final.txt"
    assert "LL101" in codes(at)


@pytest.mark.slow
def test_streamlit_is_not_imported_by_the_library() -> None:
    assert modules_loaded("letterlint, letterlint.frontends.app_support", ["streamlit"]) == []


def test_undo_after_a_save_is_not_a_conflict(workspace: Path) -> None:
    at = open_template(start(), "bad-first-reminder.txt")
    original = workspace / "bad-first-reminder.txt"
    before = at.session_state["letter"]
    at.button(key="fix_all").click().run()  # remembered for undo with the stamp of the opened file
    at.button(key="save").click().run()
    assert (
        not at.warning
        and original.read_text(encoding="utf-8") == at.session_state["letter"] != before
    )
    at.button(key="undo").click().run()
    assert at.session_state["letter"] == before
    at.button(key="save").click().run()
    assert not at.warning, [
        w.value for w in at.warning
    ]  # our own save is not someone else's change
    assert original.read_text(encoding="utf-8") == before


def test_cards_are_titled_in_words_grouped_with_errors_first(workspace: Path) -> None:
    at = open_template(start(), "bad-first-reminder.txt")
    groups = editor(at)["groups"]
    worst = [
        max(("info", "warning", "error").index(c["severity"]) for c in g["cards"]) for g in groups
    ]
    assert worst == sorted(worst, reverse=True)  # groups with errors before warnings before advice
    titles = [c["title"] for c in cards(at)]
    assert not any(t.startswith("LL") for t in titles)
    assert "Legal jargon: ‘with reference to’ → ‘about’" in titles
    # a whole-letter finding is a note about the letter, never a quote of its first lines
    whole = next(g for g in groups if g["label"] == "About the letter as a whole")
    first_line = at.session_state["letter"].split("\n")[0]
    assert whole["cards"] and all(
        "‘" not in c["title"] and first_line not in c["title"] for c in whole["cards"]
    )
    assert all(c["meta"].endswith("about the whole letter") for c in whole["cards"])
    # each card carries its own actions: accept only where there is a fix
    jargon = next(
        c for c in cards(at) if c["title"].startswith("Legal jargon: ‘with reference to’")
    )
    assert jargon["accept"] == "Accept this fix" and jargon["safe"]
    assert all(c["accept"] is None for c in whole["cards"])


def test_score_shows_what_the_fixes_would_give(workspace: Path) -> None:
    at = open_template(start(), "bad-first-reminder.txt")
    letter = at.session_state["letter"]
    from letterlint import check_text
    from letterlint.engine.scoring import score

    assert metric(at, "Customer-first score") == f"{score(check_text(letter))}/100"
    assert metric(at, "After the safe fixes") == f"{score(check_text(fix_text(letter).text))}/100"
    assert int(metric(at, "After the rewrite").split("/")[0]) > int(
        metric(at, "Customer-first score").split("/")[0]
    )
    costs = next(b for b in html_bodies(at) if 'class="ll-costs"' in b)
    assert "Costs the most:" in costs and "−" in costs
    at.button(key="fix_all").click().run()  # the promise holds
    assert metric(at, "Customer-first score") == f"{score(check_text(fix_text(letter).text))}/100"


def test_ignore_here_and_ignore_the_rule_then_show_again(workspace: Path) -> None:
    text = "Dear debtor,\n\nAs a debtor you must pay. Failure to pay will result in legal action.\n"
    at = type_letter(start(), text)
    assert codes(at).count("LL101") == 2
    before = metric(at, "Customer-first score")
    press(at, "ignore", "LL101")
    assert codes(at).count("LL101") == 1 and at.session_state["letter"] == text
    type_letter(
        at, text + "\nThank you.\n"
    )  # the ignored one stays ignored while the letter is edited
    assert codes(at).count("LL101") == 1
    press(at, "ignore-rule", "LL101")
    assert "LL101" not in codes(at) and "LL101" in editor(at)["ignored"]
    assert int(metric(at, "Customer-first score").split("/")[0]) > int(before.split("/")[0])
    at.session_state["pending_action"] = {"do": "unignore", "id": ""}
    at.run()
    assert codes(at).count("LL101") == 2 and editor(at)["ignored"] is None
    # opening another letter starts with nothing ignored
    press(at, "ignore-rule", "LL101")
    open_template(at, "bad-first-reminder.txt")
    assert at.session_state["ignored_codes"] == []


def test_a_card_from_before_an_edit_is_not_applied(workspace: Path) -> None:
    at = type_letter(start(), THREAT)
    stale = next(c for c in cards(at) if c["code"] == "LL101")
    type_letter(at, "Hello.\n" + THREAT)  # everything moved
    at.session_state["pending_action"] = {"do": "accept", "id": stale["id"]}
    at.run()
    assert at.session_state["letter"] == "Hello.\n" + THREAT
    assert any("changed since that card was made" in e.value for e in at.error)


def test_the_page_config_ships_beside_the_app() -> None:
    """No usage statistics, no Deploy button: the settings Streamlit reads beside app.py."""
    from streamlit import config as st_config

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["client"]["toolbarMode"] == "minimal"
    known = st_config.get_config_options()
    for section, values in settings.items():
        for key in values:
            assert f"{section}.{key}" in known, f"{section}.{key} is not a Streamlit option"


def test_the_editor_component_fetches_nothing() -> None:
    from letterlint.frontends.app_support import editor_assets

    assets = editor_assets()
    assert set(assets) == {"html", "css", "js"} and all(assets.values())
    for part, text in assets.items():
        assert "http://" not in text and "https://" not in text and "@import" not in text, part
    assert "innerHTML" not in assets["js"]  # the letter is always set as text


# --------------------------------------------------------------------------- compliance in the sidebar

ARREST = "Dear customer,\n\nYou owe $1,250.00. If this balance is not paid you could face arrest.\n\nRegards, Collections\n"


def test_the_sidebar_turns_on_packs_and_gives_the_letter_context(workspace: Path) -> None:
    at = type_letter(start(), ARREST)
    assert not any(c.startswith("LL7") for c in codes(at))  # only the core pack to start with
    at.multiselect(key="packs").select("us-fdcpa").run()
    assert "LL700" in codes(at)  # a pack is on but the letter has no context: one card asks for it
    for key, value in (
        ("jurisdiction", None),
        ("sender-type", "third-party-collector"),
        ("recipient-type", "consumer"),
        ("letter-type", "reminder"),
    ):
        if value is None:
            at.text_input(key="letter:jurisdiction").input("US").run()
        else:
            at.selectbox(key=f"letter:{key}").select(value).run()
    assert not at.exception and not at.error
    arrest = next(
        c for c in cards(at) if c["code"] == "LL720"
    )  # a compliance finding is a card like any other
    assert "arrest" in json.dumps(arrest) and arrest["severity"] == "error"
    # the same findings as check with --letter
    from letterlint import check_text
    from letterlint.core.config import Config

    expected = check_text(
        ARREST,
        config=Config(packs=("core", "us-fdcpa")),
        letter={
            "jurisdiction": "US",
            "sender-type": "third-party-collector",
            "recipient-type": "consumer",
            "letter-type": "reminder",
        },
    )
    assert sorted(codes(at)) == sorted(f.code for f in expected)
    # a bad value is named in the sidebar and left out; the page keeps working
    at.text_input(key="letter:sent-date").input("2026-13-01").run()
    assert not at.exception
    assert any("sent-date" in e.value and "ISO date" in e.value for e in at.sidebar.error)
    assert "LL720" in codes(at)
