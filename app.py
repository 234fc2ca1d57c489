"""letterlint's template editor: ``streamlit run app.py`` (needs ``pip install ".[app]"``).

Open a letter from the templates folder (``templates`` in ``[tool.letterlint]``), upload
one, or paste it; see what letterlint flags as you edit; accept fixes or the friendlier
rewrite (with a diff and undo); preview it with a sample customer; export it for a
sending system; save it back. The page is a thin shell: the logic lives in
``letterlint.frontends.app_support`` and letterlint's public API.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import streamlit as st

from letterlint import (
    DIALECTS,
    LETTER_SUFFIXES,
    SAMPLE_CONTEXT,
    Config,
    ConfigError,
    ExportError,
    Finding,
    OpenedLetter,
    RuleDoc,
    check_text,
    fix_text,
    rewrite_text,
    rule_docs,
)
from letterlint.frontends.app_support import (
    LETTER_FIELDS,
    NOT_SET,
    apply_suggestion,
    describe_readability,
    diff_html,
    disk_stamp,
    editor_assets,
    editor_pieces,
    export_letter,
    finding_id,
    finding_title,
    flatten_context,
    ignoring,
    legend_data,
    letter_config,
    letter_field_options,
    lint_letter,
    list_templates,
    load_upload,
    panel_data,
    preview_html,
    render_preview,
    rewritten_kind,
    rule_words,
    save_letter,
    save_name_for,
    score_outlook,
    spot_of,
    target_in,
    unflatten_context,
    upload_error_message,
    without_spots,
)
from letterlint.frontends.letters import EDITABLE_KINDS  # the kinds "Read the letter as" offers
from letterlint.rulebook.loader import available_packs

SAMPLE_FIELDS = flatten_context(SAMPLE_CONTEXT)

st.set_page_config(page_title="letterlint editor", page_icon="✉️", layout="wide")


# --------------------------------------------------------------------------- once per server


@st.cache_resource(show_spinner="Loading letterlint…")
def load_config() -> tuple[Config, str | None]:
    """The project's config, and the spaCy pipeline and rules built once for the server."""
    error = None
    try:
        config = Config.load()
    except ConfigError as exc:
        config, error = Config(), str(exc)
    check_text("Dear Sam, thank you for your payment.", config=config)  # builds the pipeline
    return config, error


@st.cache_resource
def load_editor() -> Any:
    """The letter editor: a Streamlit components v2 component, registered once per server."""
    return st.components.v2.component("letterlint_editor", **editor_assets())


@st.cache_resource
def load_rule_docs(config: Config) -> dict[str, RuleDoc]:
    """Each rule's rationale and sources, shown under its findings."""
    return rule_docs(config)


config, config_error = load_config()
COMPLIANCE_PACKS = [p for p in available_packs() if p != "core"]
RULES = load_rule_docs(
    config.with_overrides(packs=("core", *COMPLIANCE_PACKS))
)  # cards of any pack chosen
EDITOR = load_editor()
FOLDER = config.templates_dir


# --------------------------------------------------------------------------- state


def init_state() -> None:
    defaults: dict[str, Any] = {
        "letter": "",
        "kind": "text",
        "name": "pasted.txt",
        "path": None,
        "stamp": None,
        "history": [],
        "last_change": None,
        "notice": None,
        "problem": None,
        "conflict": None,
        "pending_upload": None,
        "save_name": "pasted.txt",
        "ctx": dict(SAMPLE_FIELDS),
        "ctx_version": 0,
        "rev": 0,
        "ignored_spots": [],
        "ignored_codes": [],
        "pending_action": None,
        "packs": [p for p in config.packs if p in COMPLIANCE_PACKS],
    }
    for key in (
        LETTER_FIELDS
    ):  # not set: the config's defaults and globs and the letter's comment still apply
        defaults[f"letter:{key}"] = NOT_SET if letter_field_options(key) else ""
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def load_into_editor(letter: OpenedLetter, path: Path | None, stamp: Any = None) -> None:
    """Replace the editor's letter with an opened one (the previous letter can be undone)."""
    s = st.session_state
    remember("before opening " + letter.name)
    s.letter, s.kind, s.name = letter.text, letter.kind, letter.name
    s.rev += 1
    s.ignored_spots, s.ignored_codes = [], []
    s.path = str(path) if path else None
    s.stamp = stamp
    s.save_name = save_name_for(
        Path(letter.name).name if path is None else letter.name, letter.kind
    )
    s.last_change, s.conflict, s.problem = None, None, None
    s.notice = f"Opened {letter.name}." + "".join(f" Note: {n}" for n in letter.notes)


EDITOR_FIELDS = (
    "letter",
    "kind",
    "name",
    "path",
    "stamp",
    "save_name",
    "ignored_spots",
    "ignored_codes",
)
HISTORY_LIMIT = 100  # versions kept for Undo


def remember(label: str) -> None:
    """Keep the editor's current letter (and which file it is) for Undo."""
    s = st.session_state
    s.history.append((label, {k: s[k] for k in EDITOR_FIELDS}))
    del s.history[:-HISTORY_LIMIT]


def change_letter(label: str, new_text: str, new_kind: str | None = None) -> None:
    """Apply a change from a button: keep the old version for undo and the diff."""
    s = st.session_state
    before = s.letter
    if new_text == before and (new_kind or s.kind) == s.kind:
        s.notice = f"{label}: nothing to change."
        return
    remember(label)
    s.letter = new_text
    s.rev += 1  # the editor shows the new text (typing never changes ``rev``)
    if new_kind:
        s.kind = new_kind
        s.save_name = save_name_for(s.save_name, new_kind)
    s.last_change = (label, before, new_text)
    s.notice, s.problem = f"{label}: done. Undo puts the previous version back.", None


# Widgets in a tab that is not showing do not receive values set from Python (measured in
# Chromium: the Save tab kept the old file name after opening a letter). So the file name
# and the sample customer's fields are plain state shown by widgets whose keys change
# whenever Python changes the value: a new key is a new widget with the new value.


def save_name_key() -> str:
    return f"save_name@{st.session_state.save_name}"


# --------------------------------------------------------------------------- callbacks


def on_open_template() -> None:
    name = st.session_state.get("template")
    if not name:
        return
    path = FOLDER / name
    try:
        # the stamp first: if the file changes while we read it, saving reports a conflict
        stamp = disk_stamp(path)
        data = path.read_bytes()
    except OSError as exc:
        st.session_state.problem = f"Could not open {name}: {exc.strerror or exc}."
        return
    letter = load_upload(name, data)
    if letter.error:
        st.session_state.problem = upload_error_message(letter)
        return
    load_into_editor(letter, path, stamp)


def on_upload() -> None:
    up = st.session_state.get("upload")
    if up is not None:
        st.session_state.pending_upload = (up.name, up.getvalue())


def handle_pending_upload() -> None:
    """Open an uploaded file; a bad one leaves the current letter and explains why."""
    pending = st.session_state.pending_upload
    if not pending:
        return
    st.session_state.pending_upload = None
    name, data = pending
    letter = load_upload(name, data)
    if letter.error:
        st.session_state.problem = upload_error_message(letter)
        return
    load_into_editor(letter, None)


def on_new() -> None:
    remember("before starting a new letter")
    s = st.session_state
    s.letter, s.kind, s.name, s.path, s.stamp = "", "text", "pasted.txt", None, None
    s.rev += 1
    s.ignored_spots, s.ignored_codes = [], []
    s.save_name, s.last_change, s.conflict, s.problem, s.notice = (
        "pasted.txt",
        None,
        None,
        None,
        None,
    )


def on_edit() -> None:
    """The editor sent the text after a pause in typing: it becomes the letter.

    The last message is cleared: it was about an earlier version.
    """
    s = st.session_state
    text = (s.get("editor") or {}).get("text")
    if isinstance(text, str) and text != s.letter:
        s.letter = text
        s.notice = s.problem = None


def on_shown() -> None:
    """The browser shows the highlights of what was typed (`editor_fragment` follows up)."""


def on_action() -> None:
    """A card's button was pressed (`editor_fragment` passes it on)."""


def handle_pending_action() -> None:
    """Do what a card's button asked for (the editor component stores it; see `editor_fragment`).

    The finding is looked up in a fresh lint of the letter as it is now: a card from
    before an edit no longer matches, and the user is asked to try again.
    """
    s = st.session_state
    action, s.pending_action = s.pending_action, None
    if not action:
        return
    what, fid = action.get("do"), action.get("id")
    if what == "unignore":
        s.ignored_spots, s.ignored_codes = [], []
        s.notice, s.problem = "Ignored findings are shown again.", None
        return
    view, _ = current_view()
    found = [f for f in (view.findings if view is not None else ()) if finding_id(f) == fid]
    if not found:
        s.problem = "The letter changed since that card was made; try again."
        return
    f = found[0]
    if what == "accept":
        on_accept(f)
    elif what == "ignore":
        s.ignored_spots = [*s.ignored_spots, spot_of(f, view.findings)]
        s.notice, s.problem = (
            f"Ignored here: {finding_title(f)}. (Only while this letter is open.)",
            None,
        )
    elif what == "ignore-rule":
        s.ignored_codes = sorted({*s.ignored_codes, f.code})
        s.notice, s.problem = (
            (
                f"Ignoring {f.code} ({rule_words(f.name)}) in this letter while it is open; "
                "to keep it ignored, add it to per-file-ignores in letterlint.toml."
            ),
            None,
        )


def on_accept(finding: Finding) -> None:
    try:
        new = apply_suggestion(st.session_state.letter, finding)
    except ValueError as exc:
        st.session_state.problem = str(exc)
        return
    change_letter(f"Accepted {finding_title(finding)}", new)


def on_fix_all() -> None:
    s = st.session_state
    try:
        result = fix_text(s.letter, kind=s.kind, path=s.name, config=active_config()[0])
    except ValueError as exc:
        s.problem = str(exc)
        return
    change_letter(
        f"Applied {result.applied} safe fix{'es' if result.applied != 1 else ''}", result.text
    )


def on_rewrite() -> None:
    s = st.session_state
    kind = "text" if s.kind == "jinja" else s.kind
    try:
        rw = rewrite_text(s.letter, kind=kind, config=active_config()[0])
    except Exception as exc:  # a template that does not parse, or a rewrite that cannot render
        s.problem = f"Could not rewrite {s.name}: {exc}"
        return
    found = {d: v for d, v in flatten_context(rw.context).items() if d in s.ctx}
    s.ctx = {**s.ctx, **found}  # the preview uses the values the letter itself gave (amount, date…)
    s.ctx_version += 1
    change_letter("Friendlier rewrite", rw.template, rewritten_kind(s.kind, rw.jinja))


def on_undo() -> None:
    s = st.session_state
    if not s.history:
        return
    _, saved = s.history.pop()
    path, stamp = s.path, s.stamp
    for key, value in saved.items():
        s[key] = value
    s.rev += 1
    if path is not None and s.path == path:
        s.stamp = stamp  # our own save changed the file since: that is not someone else's change
    s.last_change, s.conflict, s.problem = None, None, None
    s.notice = "Undone: the previous version is back."


def on_reset_customer() -> None:
    st.session_state.ctx = dict(SAMPLE_FIELDS)
    st.session_state.ctx_version += 1


def on_save(mode: str) -> None:
    s = st.session_state
    try:
        target = target_in(FOLDER, s.get(save_name_key(), s.save_name))
    except ValueError as exc:
        s.problem = str(exc)
        return
    same_file = s.path is not None and Path(s.path).resolve() == target.resolve()
    try:
        FOLDER.mkdir(parents=True, exist_ok=True)
        result = save_letter(target, s.letter, s.stamp if same_file else None, mode)  # type: ignore[arg-type]
    except OSError as exc:
        s.problem = f"Could not save {target.name}: {exc.strerror or exc}"
        return
    if result.status == "conflict":
        s.conflict = result.message
        return
    s.conflict, s.problem = None, None
    s.path, s.stamp, s.name, s.save_name = (
        str(result.path),
        result.stamp,
        result.path.name,
        result.path.name,
    )
    s.notice = result.message


# --------------------------------------------------------------------------- page

PAGE_CSS = """<style>
.block-container { padding: 1.2rem 1.6rem 2rem 1.6rem; max-width: 1500px; }
h1 { font-size: 1.4rem !important; padding: .4rem 0 0 0 !important; }
[data-testid="stAlert"] p { font-size: .92rem; }
[data-testid="stMetricValue"] { font-size: 1.5rem; }
[data-testid="stMetricLabel"] p { font-size: .82rem; }
.ll-costs { font-size: 13px; color: #444; line-height: 1.6; margin: -4px 0 6px 0; }
.ll-costs span { white-space: nowrap; margin-right: 12px; }
</style>"""


def escaped(text: str, style: str = "") -> str:
    return f'<div style="{style}">{html.escape(text)}</div>'


def shown_path(path: Path) -> str:
    """A folder relative to where the app was started, when it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() + "/"
    except ValueError:
        return str(path)


def sidebar() -> None:
    with st.sidebar:
        st.header("Open a letter")
        names = list_templates(FOLDER)
        st.html(escaped(f"Templates folder: {shown_path(FOLDER)}", "font-size:13px;color:#666"))
        if names:
            st.selectbox("Template", names, key="template")
            st.button("Open template", key="open", on_click=on_open_template, width="stretch")
        else:
            st.info("No letters in the templates folder yet. Save one from the Save tab.")
        st.file_uploader(
            "…or upload a file",
            key="upload",
            on_change=on_upload,
            type=[suffix.lstrip(".") for suffix in LETTER_SUFFIXES],
        )
        st.button("New letter (paste your own)", key="new", on_click=on_new, width="stretch")
        st.selectbox(
            "Read the letter as",
            EDITABLE_KINDS,
            key="kind",
            help=(
                "How placeholders and markup are read: plain text, Markdown, HTML or a template "
                "language."
            ),
        )
        compliance_sidebar()


def active_config() -> tuple[Config, list[str]]:
    """The config with the sidebar's compliance packs and letter context, and what is
    wrong with any field (that field is left out)."""
    s = st.session_state
    return letter_config(config, s.packs, {key: s[f"letter:{key}"] for key in LETTER_FIELDS})


def compliance_sidebar() -> None:
    """Compliance packs and the letter's context (contract 7), as ``--letter`` gives them."""
    s = st.session_state
    st.header("Compliance")
    st.multiselect(
        "Compliance packs",
        COMPLIANCE_PACKS,
        key="packs",
        help="What regulation says a letter must and must not contain (docs/compliance.md). "
        "The core tone rules are always on.",
    )
    with st.expander("The letter's context", expanded=bool(s.packs)):
        st.caption(
            "Facts the text cannot show. They win over the letter's own `letterlint: letter` "
            "comment, like `--letter KEY=VALUE`."
        )
        for key in LETTER_FIELDS:
            options = letter_field_options(key)
            if options is not None:
                st.selectbox(key, options, key=f"letter:{key}")
            else:
                hint = "US, UK, US-CA…" if key == "jurisdiction" else "YYYY-MM-DD"
                st.text_input(key, key=f"letter:{key}", placeholder=hint)
        for message in active_config()[1]:
            st.error(message)


def current_view() -> tuple[Any, Config]:
    """The letter's findings, without what the user chose to ignore, and the config used."""
    s = st.session_state
    cfg = ignoring(active_config()[0], s.ignored_codes)
    if not s.letter.strip():
        return None, cfg
    return without_spots(
        lint_letter(s.letter, s.kind, s.name, cfg), map(tuple, s.ignored_spots)
    ), cfg


def editor_data(view: Any) -> dict[str, Any]:
    """What the editor component shows: the letter, its highlights, the cards, the key."""
    s = st.session_state
    findings = view.findings if view is not None and view.error is None else ()
    ignored = len(s.ignored_spots) + len(s.ignored_codes)
    return {
        "text": s.letter,
        "rev": s.rev,
        "height": 450,
        "pieces": editor_pieces(s.letter, findings),
        "placeholder": (
            "Paste a letter here, open a template or upload a file. Findings are highlighted as "
            "you type."
        ),
        "legend": legend_data(),
        **panel_data(findings, RULES),
        "error": view.error if view is not None else None,
        "empty": (
            "Open a template, upload a file or paste a letter to check it."
            if view is None
            else "Nothing to improve: this letter is customer-first."
            if not findings
            else None
        ),
        "ignored": (
            f"{ignored} ignored in this letter ({', '.join(s.ignored_codes) or 'single findings'})."
            if ignored
            else None
        ),
    }


@st.fragment
def editor_fragment() -> None:
    """The editor with its cards, on its own: after a pause in typing only this part reruns,
    so the new highlights reach the browser first; the component then asks for the rest
    of the page (score, preview) with its ``shown`` trigger. A card's button comes back as
    the ``action`` trigger and is done at the start of a full run."""
    view, _ = current_view()
    result = EDITOR(
        key="editor",
        data=editor_data(view),
        on_text_change=on_edit,
        on_shown_change=on_shown,
        on_action_change=on_action,
    )
    if result.get("action"):
        st.session_state.pending_action = dict(result["action"])
        st.rerun()
    if result.get("shown"):
        st.rerun()


def score_panel(view: Any, cfg: Config) -> None:
    """The score, what it would be after the fixes on offer, and what costs it the most."""
    s = st.session_state
    outlook = (
        score_outlook(s.letter, s.kind, s.name, cfg)
        if view is not None and not view.error
        else None
    )
    cols = st.columns([1.15, 1, 1, 0.9, 0.7, 1.1])
    if outlook is None:
        cols[0].metric("Customer-first score", "–")
        return
    score = outlook.score
    cols[0].metric(
        "Customer-first score",
        f"{score}/100",
        help="100 means nothing to improve; each rule that fires costs points by severity.",
    )

    def after(col: Any, label: str, value: int | None, helptext: str) -> None:
        col.metric(
            label,
            "–" if value is None else f"{value}/100",
            None if value is None or value == score else f"{value - score:+d}",
            help=helptext,
        )

    safe = score if outlook.after_safe_fixes is None else outlook.after_safe_fixes
    after(
        cols[1],
        "After the safe fixes",
        safe,
        "Word swaps that keep the meaning (Accept all safe fixes)."
        + ("" if outlook.after_safe_fixes is not None else " This letter has none."),
    )
    after(
        cols[2],
        "After the rewrite",
        outlook.after_rewrite,
        "The friendlier rewrite (Apply the friendlier rewrite), as a Jinja2 template.",
    )
    for col, (label, value) in zip(cols[3:], describe_readability(view.readability)):
        col.metric(label, value)
    if outlook.costs:
        st.html(
            '<div class="ll-costs"><b>Costs the most:</b> '
            + " ".join(
                f"<span>{html.escape(label)} −{points}</span>"
                for label, points in outlook.costs[:5]
            )
            + "</div>"
        )


def preview_tab() -> None:
    s = st.session_state
    st.caption("The sample customer: edit any field to see the letter filled in with it.")
    fields = list(SAMPLE_FIELDS)
    cols = st.columns(3)
    for i, dotted in enumerate(fields):
        s.ctx[dotted] = cols[i % 3].text_input(
            dotted, value=s.ctx[dotted], key=f"ctx@{s.ctx_version}:{dotted}"
        )
    st.button("Reset the sample customer", key="reset_customer", on_click=on_reset_customer)
    context = unflatten_context(s.ctx)
    preview = render_preview(s.letter, s.kind, context)
    if preview.note:
        st.info(preview.note)
    elif preview.error:
        st.error(f"{s.name}: {preview.error}")
    else:
        st.html(preview_html(preview.text or ""))


def export_tab() -> None:
    s = st.session_state
    dialect = st.selectbox(
        "Export to",
        DIALECTS,
        key="dialect",
        help="The template language of the sending system (see `letterlint export`).",
    )
    try:
        out = export_letter(s.letter, s.kind, dialect, s.name)
    except ExportError as exc:
        st.error(f"{s.name} cannot be exported to {dialect}: {exc}")
        return
    st.download_button(
        f"Download {out.filename}", out.data, file_name=out.filename, mime=out.mime, key="download"
    )
    if out.text is not None:
        st.code(out.text, language=None, wrap_lines=True)
    else:
        st.caption("A Word document with real MERGEFIELD fields, ready for mail merge.")


def save_tab() -> None:
    s = st.session_state
    st.text_input("File name in the templates folder", value=s.save_name, key=save_name_key())
    st.button("Save", key="save", on_click=on_save, args=("check",), type="primary")
    if s.conflict:
        st.warning(s.conflict)
        c1, c2 = st.columns(2)
        c1.button("Keep both", key="keep_both", on_click=on_save, args=("keep-both",))
        c2.button("Overwrite", key="overwrite", on_click=on_save, args=("overwrite",))


def actions() -> None:
    s = st.session_state
    b = st.columns(4)
    b[0].button(
        "Accept all safe fixes",
        key="fix_all",
        on_click=on_fix_all,
        width="stretch",
        help="Word swaps that keep the meaning, applied until nothing changes (`letterlint fix`).",
    )
    b[1].button(
        "Apply the friendlier rewrite",
        key="rewrite",
        on_click=on_rewrite,
        width="stretch",
        help="Rewrites threats, jargon and labels and adds what is missing, as a Jinja2 template.",
    )
    b[2].button("Undo", key="undo", on_click=on_undo, disabled=not s.history, width="stretch")
    b[3].button("New letter", key="new_main", on_click=on_new, width="stretch")


def main() -> None:
    init_state()
    handle_pending_upload()
    handle_pending_action()
    st.html(PAGE_CSS)
    sidebar()
    s = st.session_state
    st.title("letterlint editor")
    # Every element keeps its place from run to run (messages go in a container that is
    # always there): an element that moves is mounted afresh, and the editor would lose
    # the cursor, the scroll position and what was typed during the run.
    with st.container():
        if config_error:
            st.error(f"Config error, using the defaults: {config_error}")
        if s.problem:
            st.error(s.problem)
        elif s.notice:
            st.info(s.notice)
    score_slot = st.container()  # filled after the editor, so new highlights are sent first
    st.html(
        escaped(f"{s.name} · read as {s.kind}", "font-weight:600;font-size:14px;margin:0 0 -8px")
    )
    editor_fragment()
    actions()
    with score_slot:
        score_panel(*current_view())

    if s.last_change:
        label, before, after = s.last_change
        with st.expander(f"Last change: {label}", expanded=True):
            st.html(diff_html(before, after))

    tabs = st.tabs(["Preview", "Export", "Save"])
    with tabs[0]:
        preview_tab()
    with tabs[1]:
        export_tab()
    with tabs[2]:
        save_tab()


main()
