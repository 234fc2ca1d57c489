"""letterlint's template editor: ``streamlit run app.py`` (needs ``pip install ".[app]"``).

Open a letter from the templates folder (``templates`` in ``[tool.letterlint]``), upload
one, or paste it; see what letterlint flags as you edit; accept fixes or the friendlier
rewrite (with a diff and undo); preview it with a sample customer; export it for a
sending system; save it back. The page is a thin shell: the logic lives in
``letterlint.app_support`` and letterlint's public API.
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
from letterlint.app_support import (
    apply_suggestion,
    describe_readability,
    diff_html,
    disk_stamp,
    export_letter,
    flatten_context,
    highlight_html,
    legend_html,
    lint_letter,
    list_templates,
    load_upload,
    preview_html,
    render_preview,
    save_letter,
    save_name_for,
    target_in,
    unflatten_context,
    upload_error_message,
)
from letterlint.letters import EDITABLE_KINDS  # the kinds "Read the letter as" offers

SAMPLE_FIELDS = flatten_context(SAMPLE_CONTEXT)
FIX_LABEL = {"safe": "safe fix", "unsafe": "changes the wording", "display-only": "suggestion to review"}

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
def load_rule_docs(config: Config) -> dict[str, RuleDoc]:
    """Each rule's rationale and sources, shown under its findings."""
    return rule_docs(config)


config, config_error = load_config()
RULES = load_rule_docs(config)
FOLDER = config.templates_dir


# --------------------------------------------------------------------------- state

def init_state() -> None:
    defaults: dict[str, Any] = {
        "letter": "", "kind": "text", "name": "pasted.txt", "path": None, "stamp": None,
        "history": [], "last_change": None, "notice": None, "problem": None, "conflict": None,
        "pending_upload": None, "save_name": "pasted.txt", "ctx": dict(SAMPLE_FIELDS), "ctx_version": 0,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def load_into_editor(letter: OpenedLetter, path: Path | None, stamp: Any = None) -> None:
    """Replace the editor's letter with an opened one (the previous letter can be undone)."""
    s = st.session_state
    remember("before opening " + letter.name)
    s.letter, s.kind, s.name = letter.text, letter.kind, letter.name
    s.path = str(path) if path else None
    s.stamp = stamp
    s.save_name = save_name_for(Path(letter.name).name if path is None else letter.name, letter.kind)
    s.last_change, s.conflict, s.problem = None, None, None
    s.notice = f"Opened {letter.name}." + "".join(f" Note: {n}" for n in letter.notes)


EDITOR_FIELDS = ("letter", "kind", "name", "path", "stamp", "save_name")
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
    s.save_name, s.last_change, s.conflict, s.problem, s.notice = "pasted.txt", None, None, None, None


def on_edit() -> None:
    """Typing in the letter clears the last message: it was about an earlier version."""
    st.session_state.notice = st.session_state.problem = None


def on_accept(finding: Finding) -> None:
    try:
        new = apply_suggestion(st.session_state.letter, finding)
    except ValueError as exc:
        st.session_state.problem = str(exc)
        return
    change_letter(f"Accepted {finding.code} ({finding.text!r} → {finding.fix.edits[0].replacement!r})", new)


def on_fix_all() -> None:
    s = st.session_state
    try:
        result = fix_text(s.letter, kind=s.kind, path=s.name, config=config)
    except ValueError as exc:
        s.problem = str(exc)
        return
    change_letter(f"Applied {result.applied} safe fix{'es' if result.applied != 1 else ''}", result.text)


def on_rewrite() -> None:
    s = st.session_state
    kind = "text" if s.kind == "jinja" else s.kind
    try:
        rw = rewrite_text(s.letter, kind=kind, config=config)
    except Exception as exc:  # a template that does not parse, or a rewrite that cannot render
        s.problem = f"Could not rewrite {s.name}: {exc}"
        return
    found = {d: v for d, v in flatten_context(rw.context).items() if d in s.ctx}
    s.ctx = {**s.ctx, **found}  # the preview uses the values the letter itself gave (amount, date…)
    s.ctx_version += 1
    change_letter("Friendlier rewrite", rw.template, "jinja")


def on_undo() -> None:
    s = st.session_state
    if not s.history:
        return
    _, saved = s.history.pop()
    path, stamp = s.path, s.stamp
    for key, value in saved.items():
        s[key] = value
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
    s.path, s.stamp, s.name, s.save_name = str(result.path), result.stamp, result.path.name, result.path.name
    s.notice = result.message


# --------------------------------------------------------------------------- page

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
        st.file_uploader("…or upload a file", key="upload", on_change=on_upload,
                         type=[suffix.lstrip(".") for suffix in LETTER_SUFFIXES])
        st.button("New letter (paste your own)", key="new", on_click=on_new, width="stretch")
        st.selectbox("Read the letter as", EDITABLE_KINDS, key="kind",
                     help="How placeholders and markup are read: plain text, Markdown, HTML or a template language.")


def score_row(view: Any) -> None:
    cols = st.columns(5)
    cols[0].metric("Customer-first score", "–" if view.score is None else f"{view.score}/100",
                   help="100 means nothing to improve; each rule that fires costs points by severity.")
    cols[1].metric("Findings", len(view.findings))
    for col, (label, value) in zip(cols[2:], describe_readability(view.readability)):
        col.metric(label, value)


def findings_tab(view: Any) -> None:
    if not view.findings:
        st.success("Nothing to improve: this letter is customer-first.")
        return
    import pandas as pd

    st.dataframe(pd.DataFrame([{"code": f.code, "severity": f.severity, "line": f.line, "text": f.text[:60],
                                "suggestion": f.suggestion or "", "rule": f.name} for f in view.findings]),
                 hide_index=True, width="stretch")
    for i, f in enumerate(view.findings):
        doc = RULES.get(f.code)
        label = f"{f.code} · {f.severity} · line {f.line} · {f.name}"
        with st.expander(label, expanded=False):
            st.html(escaped(f.message, "margin-bottom:6px"))
            if f.fix is not None and f.fix.edits:
                cols = st.columns([3, 1])
                cols[0].html(escaped(f"Suggestion ({FIX_LABEL.get(f.fix.applicability, '')}): "
                                     f"“{f.text}” → “{f.fix.edits[0].replacement or '(delete it)'}”", "color:#14532d"))
                cols[1].button("Accept", key=f"accept_{i}", on_click=on_accept, args=(f,))
            if doc is not None:
                st.html(escaped("Why: " + doc.rationale, "color:#333;font-size:14px"))
                st.html("<ul style='font-size:13px;color:#555'>"
                        + "".join(f"<li>{html.escape(s)}</li>" for s in doc.sources) + "</ul>")


def preview_tab() -> None:
    s = st.session_state
    st.caption("The sample customer: edit any field to see the letter filled in with it.")
    fields = list(SAMPLE_FIELDS)
    cols = st.columns(3)
    for i, dotted in enumerate(fields):
        s.ctx[dotted] = cols[i % 3].text_input(dotted, value=s.ctx[dotted], key=f"ctx@{s.ctx_version}:{dotted}")
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
    dialect = st.selectbox("Export to", DIALECTS, key="dialect",
                           help="The template language of the sending system (see `letterlint export`).")
    try:
        out = export_letter(s.letter, s.kind, dialect, s.name)
    except ExportError as exc:
        st.error(f"{s.name} cannot be exported to {dialect}: {exc}")
        return
    st.download_button(f"Download {out.filename}", out.data, file_name=out.filename, mime=out.mime, key="download")
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


def main() -> None:
    init_state()
    handle_pending_upload()
    sidebar()
    s = st.session_state
    st.title("letterlint template editor")
    if config_error:
        st.error(f"Config error, using the defaults: {config_error}")
    if s.problem:
        st.error(s.problem)
    elif s.notice:
        st.info(s.notice)

    text = s.letter
    view = lint_letter(text, s.kind, s.name, config) if text.strip() else None
    if view is not None and view.error is None:
        score_row(view)

    left, right = st.columns(2, gap="medium")
    with left:
        st.text_area("Letter", key="letter", height=520, on_change=on_edit,
                     placeholder="Paste a letter here, open a template or upload a file.")
    with right:
        st.html(escaped(f"Checked: {s.name} (read as {s.kind})", "font-weight:600;margin:2px 0 6px"))
        if view is None:
            st.info("Open a template, upload a file or paste a letter to check it.")
        elif view.error:
            st.error(view.error)
            st.html(highlight_html(text, ()))
        else:
            st.html(highlight_html(text, view.findings))
            st.html(legend_html())
    b = st.columns(4)
    b[0].button("Accept all safe fixes", key="fix_all", on_click=on_fix_all, width="stretch",
                help="Word swaps that keep the meaning, applied until nothing changes (`letterlint fix`).")
    b[1].button("Apply the friendlier rewrite", key="rewrite", on_click=on_rewrite, width="stretch",
                help="Rewrites threats, jargon and labels and adds what is missing, as a Jinja2 template.")
    b[2].button("Undo", key="undo", on_click=on_undo, disabled=not s.history, width="stretch")
    b[3].button("New letter", key="new_main", on_click=on_new, width="stretch")

    if s.last_change:
        label, before, after = s.last_change
        with st.expander(f"Last change: {label}", expanded=True):
            st.html(diff_html(before, after))

    tabs = st.tabs(["Findings", "Preview", "Export", "Save"])
    with tabs[0]:
        if view is not None and view.error is None:
            findings_tab(view)
        else:
            st.caption("No findings to show.")
    with tabs[1]:
        preview_tab()
    with tabs[2]:
        export_tab()
    with tabs[3]:
        save_tab()


main()
