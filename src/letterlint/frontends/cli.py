"""The ``letterlint`` command: a thin shell over the public API (contract 1).

Exit codes: 2 for a usage or config error or any input that could not be read;
otherwise ``check`` exits 1 when a finding is at or above ``--fail-on``, else 0.
spaCy is imported only when something is linted, so ``--help`` and ``rules`` are quick.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from letterlint.batch.baseline import apply_baseline, write_baseline
from letterlint.batch.checking import MAX_FILE_BYTES, check_paths, get_linter, iter_files
from letterlint.core.config import Config, ConfigError
from letterlint.core.doc_kinds import KIND_BY_SUFFIX, NOT_FIXED_IN_PLACE
from letterlint.core.files import (
    FileTooLarge,
    WriteConflict,
    encoding_of,
    read_capped,
    unified_diff,
    write_atomic,
)
from letterlint.core.letter_context import merge, parse_assignments
from letterlint.core.model import SEVERITY_RANK, Report
from letterlint.core.version import __version__
from letterlint.output import FORMATS, render_parts
from letterlint.reading.readers import ReadError, SourceText, kind_for, read_bytes
from letterlint.rulebook.loader import Rule, RuleFileError, available_packs, load_rules

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _exit_codes(ok: str, findings: str | None = None, error: str = "") -> str:
    """The "exit codes:" block of a command's --help (contract 1)."""
    lines = ["exit codes:", f"  0  {ok}"] + ([f"  1  {findings}"] if findings else [])
    return "\n".join(
        lines + [f"  2  a usage or config error, or an input that could not be read{error}"]
    )


#: The end of each command's --help: what it writes, its exit codes and an example (like ruff's).
EPILOGS: dict[str, str] = {
    "letterlint": """\
commands at a glance:
  letterlint check                      lint every letter in this folder
  letterlint fix --diff letters/        show the safe fixes without writing them
  letterlint audit letters/ --report audit.html --client "Example Energy Ltd"

formats: check --format text|json|sarif|github; audit --report FILE.html|FILE.docx;
export --to DIALECT (see each command's --help).

exit codes: 0 nothing to report, 1 findings (check) or changes (fix --diff), 2 a usage or
config error or an input that could not be read. Run `letterlint COMMAND --help` for a
command's options, formats, exit codes and examples.""",
    "check": """\
formats (--format):
  text    path:line:column: CODE [severity] message (→ suggestion), then a summary (default)
  json    one JSON document (schema_version 1), for scripts
  sarif   SARIF 2.1.0, for code-scanning dashboards
  github  GitHub Actions annotations (::error file=...)

"""
    + _exit_codes(
        "no finding at or above --fail-on (default: warning)", "a finding at or above --fail-on"
    )
    + """

examples:
  letterlint check                                  # every letter under the current folder
  letterlint check letters/ --format json --output-file findings.json
  letterlint check sample_letters/ --fail-on never  # show the findings, always exit 0
  cat letter.html | letterlint check - --stdin-filename letter.html""",
    "fix": """\
Only .txt, .md, .html and template files are edited; Word, PDF, OpenDocument and e-mail
files are left alone (`letterlint rewrite` writes a new file). With '-' the letter is read
from standard input and the fixed text written to standard output.

"""
    + _exit_codes("fixed (or nothing to fix)", "with --diff: something would change")
    + """

examples:
  letterlint fix --diff letters/          # show what would change
  letterlint fix letters/reminder.txt     # apply the safe fixes in place
  letterlint fix - < draft.txt > fixed.txt""",
    "rewrite": """\
Writes a Jinja2 template (.j2) with the letter's amounts, dates and references as
variables, or with -o OUT.docx a Word letter rewritten in place of a .docx one.
With compliance packs on (--config) and the letter's context (--letter), wording a
pack prescribes is kept verbatim.

"""
    + _exit_codes("the rewrite was written")
    + """

examples:
  letterlint rewrite letters/final-demand.docx -o friendly.j2 --context-out values.yaml
  letterlint rewrite notice.txt --config letterlint.toml --letter jurisdiction=UK """
    "--letter letter-type=default-notice",
    "export": """\
dialects (--to): jinja2, liquid, handlebars, mustache, mailchimp, hubspot, salesforce,
                 docx, html-email, plain

"""
    + _exit_codes(
        "exported",
        error=(
            ",\n     or the target cannot express a construct of the template (nothing is written)"
        ),
    )
    + """

example:
  letterlint export friendly.j2 --to mailchimp -o friendly.mailchimp.html""",
    "audit": """\
formats: the suffix of --report picks it
  .html   one self-contained page (styles and charts inline, no scripts, nothing fetched)
  .docx   a Word document with the same content as real tables and chart pictures

"""
    + _exit_codes(
        "the report was written",
        error=(
            " (the report is\n     still written), or no letters were found (no report is written)"
        ),
    )
    + """

example:
  letterlint audit client-letters/ --report audit.docx --client "Example Energy Ltd\"""",
    "rules": _exit_codes("listed") + "\n\nexample:\n  letterlint rules | grep legal-jargon",
    "rule": _exit_codes("explained", error=", or there is no such rule") + "\n\n"
    "examples:\n  letterlint rule LL101\n  letterlint rule threatening-tone.bailiffs",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one clear line
        self.print_usage(sys.stderr)
        print(f"letterlint: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="letterlint",
        description="Lint credit-control letters for a customer-first tone.",
        epilog=EPILOGS["letterlint"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"letterlint {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            description=description or help[:1].upper() + help[1:] + ".",
            epilog=EPILOGS[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    c = command("check", "lint letters and templates")
    c.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the current folder); '-' reads standard input",
    )
    c.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="how to write the findings: text (default), json, sarif or github (see below)",
    )
    c.add_argument(
        "--output-file", metavar="F", help="write the report to F (atomically) instead of stdout"
    )
    c.add_argument(
        "--select",
        type=_csv,
        metavar="X,...",
        help="only these rules (codes, prefixes, names, categories, packs)",
    )
    c.add_argument("--ignore", type=_csv, metavar="X,...", help="also skip these rules")
    c.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        help="lowest severity that fails (default: warning)",
    )
    c.add_argument(
        "--config", metavar="FILE", help="use this config file instead of searching for one"
    )
    c.add_argument(
        "--context",
        metavar="FILE",
        help="a sample context (YAML/JSON) to check template variables against",
    )
    c.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes for large inputs (default: one per CPU)",
    )
    c.add_argument(
        "--letter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="the letter's context for compliance packs (repeatable), e.g. sender-type=creditor",
    )
    c.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="treat standard input as this file name (for its format)",
    )
    c.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write the result cache (.letterlint_cache/)",
    )
    c.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    b = c.add_mutually_exclusive_group()
    b.add_argument(
        "--baseline", metavar="FILE", help="report only findings that are not recorded in FILE"
    )
    b.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings in FILE and exit"
    )

    f = command("fix", "apply safe fixes in place (atomically)")
    f.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=(
            "files or folders; '-' reads standard input and writes the fixed text to "
            "standard output"
        ),
    )
    f.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff instead of writing; exit 1 if anything would change",
    )
    f.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that change the wording"
    )
    f.add_argument("--select", type=_csv, metavar="X,...", help="only fix what these rules find")
    f.add_argument("--ignore", type=_csv, metavar="X,...", help="also skip these rules")
    f.add_argument(
        "--config", metavar="FILE", help="use this config file instead of searching for one"
    )
    f.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="treat standard input as this file name (for its format)",
    )
    f.add_argument(
        "--letter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="the letter's context for compliance packs (repeatable), e.g. sender-type=creditor",
    )

    w = command("rewrite", "write a friendlier letter as a Jinja2 template")
    w.add_argument("path", metavar="PATH")
    w.add_argument(
        "-o", "--output", metavar="OUT", help="write the template here (default: standard output)"
    )
    w.add_argument("--context-out", metavar="FILE", help="write the values found (YAML) here")
    w.add_argument("--force", action="store_true", help="replace existing output files")
    w.add_argument(
        "--config", metavar="FILE", help="use this config file instead of searching for one"
    )
    w.add_argument(
        "--letter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=(
            "the letter's context for compliance packs (repeatable); "
            "prescribed wording is kept verbatim"
        ),
    )
    w.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="with PATH '-': treat standard input as this file name (for its format)",
    )

    x = command("export", "export a Jinja2 template to another sending system")
    x.add_argument("template", metavar="TEMPLATE")
    x.add_argument(
        "--to",
        required=True,
        metavar="DIALECT",
        help=(
            "jinja2, liquid, handlebars, mustache, mailchimp, hubspot, salesforce, docx, "
            "html-email, plain"
        ),
    )
    x.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write here (default: standard output; .docx needs -o)",
    )
    x.add_argument(
        "--map", metavar="FILE", help="YAML mapping of schema names to the system's field names"
    )
    x.add_argument("--force", action="store_true", help="replace an existing output file")

    au = command("audit", "write an audit report (.html or .docx) over folders of letters")
    au.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of letters")
    au.add_argument(
        "--report",
        required=True,
        metavar="FILE",
        help="the report to write: FILE.html or FILE.docx",
    )
    au.add_argument(
        "--client", metavar="NAME", help="whose letters these are (shown on the title page)"
    )
    au.add_argument(
        "--author",
        metavar="NAME",
        help=(
            "who prepared the report, e.g. your firm "
            "(title page and document author; default letterlint)"
        ),
    )
    au.add_argument(
        "--pages",
        type=int,
        default=30,
        metavar="N",
        help="letters (worst first) that get a page with excerpts and rewrites (default 30)",
    )
    au.add_argument("--force", action="store_true", help="replace an existing report")
    au.add_argument(
        "--select",
        type=_csv,
        metavar="X,...",
        help="only these rules (codes, prefixes, names, categories, packs)",
    )
    au.add_argument("--ignore", type=_csv, metavar="X,...", help="also skip these rules")
    au.add_argument(
        "--config", metavar="FILE", help="use this config file instead of searching for one"
    )
    au.add_argument(
        "--letter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="the letter's context for compliance packs (repeatable), e.g. sender-type=creditor",
    )
    au.add_argument(
        "--context",
        metavar="FILE",
        help="a sample context (YAML/JSON) to check template variables against",
    )
    au.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes for large inputs (default: one per CPU)",
    )
    au.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    au.add_argument("--quiet", "-q", action="store_true", help="no progress bar")

    rl = command("rules", "list every rule: code, name, category, severity, summary")
    rl.add_argument(
        "--pack",
        action="append",
        default=[],
        metavar="PACK",
        help="list this pack's rules (repeatable; default: the configured packs)",
    )
    r = command("rule", "explain one rule: what it finds, why, examples, fix safety")
    r.add_argument("rule", metavar="CODE_OR_NAME")
    return p


def run() -> int:
    """The ``letterlint`` command (and ``python -m letterlint``): `main`, in a process that
    ends right after it.

    All the process holds is then frozen for the garbage collector: the interpreter's
    collection at exit would walk every object still alive once more, to free nothing
    that the end of the process does not (90 ms after checking 2,000 letters). `main`
    alone leaves the collector as it found it, for callers that go on.
    """
    code = main()
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "fix":
            return cmd_fix(args)
        if args.command == "rewrite":
            return cmd_rewrite(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "audit":
            return cmd_audit(args)
        if args.command == "rules":
            return cmd_rules(args.pack)
        if args.command == "rule":
            return cmd_rule(args.rule)
        parser.print_help()
        return EXIT_ERROR
    except (ConfigError, RuleFileError) as exc:
        print(f"letterlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("letterlint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _config(args: argparse.Namespace) -> Config:
    config = Config.load(args.config)
    changes: dict[str, object] = {}
    if getattr(args, "select", None):
        changes["select"] = tuple(args.select)
    if getattr(args, "ignore", None):
        changes["ignore"] = config.ignore + tuple(args.ignore)
    if getattr(args, "fail_on", None):
        changes["fail_on"] = args.fail_on
    if getattr(args, "letter", None):
        changes["letter_overrides"] = merge(config.letter_overrides, parse_assignments(args.letter))
    return config.with_overrides(**changes) if changes else config


def exit_code(report: Report, fail_on: str) -> int:
    if report.has_errors:
        return EXIT_ERROR
    if fail_on == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_on]
    worst = max((SEVERITY_RANK[f.severity] for fr in report.files for f in fr.findings), default=0)
    return EXIT_FINDINGS if worst >= threshold else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    paths = args.paths or ["."]  # like ruff: no PATH checks the current folder
    config = _config(args)
    linter = get_linter(config, args.context)  # validates selectors and the context first
    # never more than the size limit (a longer input is reported as too large)
    stdin_data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if "-" in paths else None
    kind = None
    if args.stdin_filename and stdin_data is not None:
        kind = kind_for(args.stdin_filename)
    if args.jobs is not None and args.jobs < 1:
        print("letterlint: error: --jobs must be 1 or more", file=sys.stderr)
        return EXIT_ERROR
    with progress_bar(args.quiet) as progress:
        report = check_paths(
            paths,
            config=config,
            context_file=args.context,
            stdin_data=stdin_data,
            kind=kind,
            jobs=args.jobs,
            cache=not args.no_cache,
            progress=progress,
        )
    if not report.files:
        warn_no_letters(paths)
    for out in (args.output_file, args.write_baseline):
        clash = _names_an_input(out, report)
        if clash:
            print(
                f"letterlint: error: {out} is one of the letters checked ({clash}); "
                "write the report to another file",
                file=sys.stderr,
            )
            return EXIT_ERROR
    if args.write_baseline:
        try:
            n = write_baseline(report, args.write_baseline)
        except OSError as exc:
            print(
                f"letterlint: error: cannot write {args.write_baseline}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return EXIT_ERROR
        for fr in report.files:
            if fr.error is not None:
                print(f"{fr.path}: error[{fr.error.code}] {fr.error.message}", file=sys.stderr)
        files = sum(1 for fr in report.files if fr.findings)
        print(
            f"Recorded {n} finding{'s' if n != 1 else ''} "
            f"in {files} file{'s' if files != 1 else ''} "
            f"in {args.write_baseline}.",
            file=sys.stderr,
        )
        return EXIT_ERROR if report.has_errors else EXIT_OK
    if args.baseline:
        report, hidden = apply_baseline(report, args.baseline)
        if hidden:
            print(
                f"letterlint: {hidden} finding{'s' if hidden != 1 else ''} "
                f"recorded in {args.baseline} not shown.",
                file=sys.stderr,
            )
    parts = render_parts(
        args.format, report, linter.rules
    )  # written piece by piece, never held whole
    if args.output_file:
        try:
            write_atomic(Path(args.output_file), (p.encode("utf-8", "replace") for p in parts))
        except OSError as exc:
            print(
                f"letterlint: error: cannot write {args.output_file}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return EXIT_ERROR
    else:
        for part in parts:
            sys.stdout.write(part)
        sys.stdout.flush()
    return exit_code(report, config.fail_on)


def warn_no_letters(paths: Sequence[str]) -> None:
    """Say so when the paths held nothing to check (as ruff does), instead of a silent success."""
    print(f"letterlint: warning: no letters found under {', '.join(paths)}", file=sys.stderr)


def _names_an_input(out: str | None, report: Report) -> str | None:
    """The checked file that ``out`` is (same file, links followed), or None."""
    import os

    if not out or not os.path.exists(out):
        return None
    for fr in report.files:
        if fr.path == "-":
            continue
        try:
            if os.path.samefile(out, fr.path):
                return fr.path
        except (OSError, ValueError):
            continue
    return None


@contextmanager
def progress_bar(quiet: bool = False) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on standard error, or None.

    The bar appears only on a terminal, only without ``--quiet``, and only for runs
    that take more than a second (tqdm's ``delay``), so short runs and CI logs stay clean.
    """
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(
        total=0, unit=" letters", file=sys.stderr, delay=1.0, leave=False, dynamic_ncols=True
    )

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


def _read_file(path: str, name: str = "") -> tuple[bytes, SourceText | None, str | None]:
    """A file's bytes and `SourceText`, or the one-line error a user sees. ``path`` "-" is
    standard input, read as a file called ``name`` (its extension gives the format)."""
    if path == "-":
        path = name or "-"
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return b"", None, f"{path}: error[too-large] standard input is over the size limit"
        try:
            return data, read_bytes(data, path), None
        except ReadError as exc:
            return b"", None, f"{path}: error[{exc.code}] {exc.message}"
    try:
        data = read_capped(path, MAX_FILE_BYTES)
        return data, read_bytes(data, path), None
    except FileTooLarge as exc:
        return b"", None, f"{path}: error[too-large] {exc.strerror}"
    except (OSError, ValueError) as exc:
        return (
            b"",
            None,
            f"{path}: error[unreadable] cannot read: {getattr(exc, 'strerror', None) or exc}",
        )
    except ReadError as exc:
        return b"", None, f"{path}: error[{exc.code}] {exc.message}"


def _unsafe_to_rewrite(path: str) -> str | None:
    """Why ``fix`` must not replace this file in place, or None.

    A read-only file stays read-only, and a file with other hard links is not replaced
    (a rename would quietly split it from its other names).
    """
    import os
    import stat

    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None  # reading it reports the error
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        path, os.W_OK
    ):
        return "the file is read-only (make it writable to fix it, or use --diff)"
    if st.st_nlink > 1:
        return (
            f"the file has {st.st_nlink} hard links; replacing it would split them "
            "(fix a copy, or use --diff and apply the patch)"
        )
    return None


def cmd_fix(args: argparse.Namespace) -> int:
    # lazy: the fixer and its tidying are ~10 ms of import from source; `check` never needs them
    from letterlint.actions.fixes import fix_text

    config = _config(args)
    get_linter(config)  # validates the selectors before any file is touched
    if "-" in args.paths:
        if args.paths != ["-"]:
            print(
                "letterlint: error: '-' (standard input) cannot be mixed with other paths",
                file=sys.stderr,
            )
            return EXIT_ERROR
        return _fix_stdin(args, config)
    status = EXIT_OK
    fixed_files = applied = remaining = seen = 0
    for path, explicit in iter_files(args.paths, config):
        kind = KIND_BY_SUFFIX.get(Path(path).suffix.lower())
        if kind is None and not explicit:
            continue
        seen += 1
        if explicit is None:
            print(f"{path}: not fixed: not a regular file, or a link to a file outside the folder")
            continue
        if kind in NOT_FIXED_IN_PLACE:
            print(
                f"{path}: not fixed: {kind} files are not edited in place "
                "(`letterlint rewrite` writes a new file)"
            )
            continue
        refusal = _unsafe_to_rewrite(path)
        if refusal:
            print(f"{path}: not fixed: {refusal}")
            status = EXIT_ERROR
            continue
        data, src, error = _read_file(path)
        if error:
            print(error)
            status = EXIT_ERROR
            continue
        try:
            result = fix_text(
                src.source, kind=src.kind, path=path, config=config, unsafe=args.unsafe_fixes
            )
        except ValueError as exc:  # a template that does not parse
            print(f"{path}: error[template-syntax] {exc}")
            status = EXIT_ERROR
            continue
        remaining += len(result.remaining)
        if not result.changed:
            continue
        if args.diff:
            applied += result.applied
            fixed_files += 1
            sys.stdout.write(unified_diff(path, src.source, result.text))
            status = max(status, EXIT_FINDINGS) if status != EXIT_ERROR else status
            continue
        enc, bom = encoding_of(data)
        try:
            write_atomic(Path(path), bom + result.text.encode(enc), expect=data)
        except UnicodeEncodeError:
            print(f"{path}: not fixed: the fixed text cannot be written back as {enc}")
            status = EXIT_ERROR
        except WriteConflict as exc:
            print(f"{path}: not fixed: conflict: {exc.strerror}")
            status = EXIT_ERROR
        except OSError as exc:
            print(f"{path}: not fixed: cannot write: {exc.strerror or exc}")
            status = EXIT_ERROR
        else:  # only a file actually written counts as fixed
            applied += result.applied
            fixed_files += 1
    if not seen:
        warn_no_letters(args.paths)
    verb = "Would fix" if args.diff else "Fixed"
    print(
        f"{verb} {applied} problem{'s' if applied != 1 else ''} "
        f"in {fixed_files} file{'s' if fixed_files != 1 else ''}; "
        f"{remaining} finding{'s' if remaining != 1 else ''} left for a person.",
        file=sys.stderr if args.diff else sys.stdout,
    )
    return status


def _fix_stdin(args: argparse.Namespace, config: Config) -> int:
    """``fix -``: the letter from standard input, the fixed text (or a diff) to standard output."""
    # lazy: as in `cmd_fix`, the fixer is ~10 ms of import from source that `check` never needs
    from letterlint.actions.fixes import fix_text

    name = args.stdin_filename or "-"
    try:
        src = read_bytes(sys.stdin.buffer.read(), name)
    except ReadError as exc:
        print(f"{name}: error[{exc.code}] {exc.message}", file=sys.stderr)
        return EXIT_ERROR
    if src.kind in NOT_FIXED_IN_PLACE:
        print(
            f"{name}: not fixed: {src.kind} files are not edited "
            "(`letterlint rewrite` writes a new file)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    try:
        result = fix_text(
            src.source, kind=src.kind, path=name, config=config, unsafe=args.unsafe_fixes
        )
    except ValueError as exc:  # a template that does not parse
        print(f"{name}: error[template-syntax] {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.diff:
        sys.stdout.write(unified_diff(name, src.source, result.text) if result.changed else "")
    else:
        sys.stdout.write(result.text)
    sys.stdout.flush()
    n, left = result.applied, len(result.remaining)
    verb = "Would fix" if args.diff else "Fixed"
    print(
        f"{verb} {n} problem{'s' if n != 1 else ''}; "
        f"{left} finding{'s' if left != 1 else ''} left for a person.",
        file=sys.stderr,
    )
    return EXIT_FINDINGS if args.diff and result.changed else EXIT_OK


def _refuses_to_replace(*outputs: str | Path | None, force: bool) -> bool:
    """Whether an output file (or a link) is already there and ``--force`` was not given:
    `rewrite`, `export` and `audit` never replace a file silently (says so on stderr)."""
    for out in outputs:
        if out and (Path(out).exists() or Path(out).is_symlink()) and not force:
            print(
                f"letterlint: error: {out} already exists; use --force to replace it",
                file=sys.stderr,
            )
            return True
    return False


def cmd_rewrite(args: argparse.Namespace) -> int:
    import yaml

    # lazy: the rewriter is 10-30 ms of import (~100 ms from source); only `rewrite` needs it
    from letterlint.actions.rewrite import rewrite_docx, rewrite_eml, rewrite_source

    if _refuses_to_replace(args.output, args.context_out, force=args.force):
        return EXIT_ERROR
    name = (args.stdin_filename or "-") if args.path == "-" else args.path
    docx_out = bool(args.output) and Path(args.output).suffix.lower() == ".docx"
    if docx_out and not name.lower().endswith(".docx"):
        print(
            "letterlint: error: -o .docx needs a .docx letter to start from; "
            "write a .j2 template instead",
            file=sys.stderr,
        )
        return EXIT_ERROR
    config = _config(args)
    data, src, error = _read_file(args.path, name)
    if error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    docx_bytes = None
    args.path = name  # messages name the letter as the user called it
    try:
        if docx_out:
            docx_bytes, result = rewrite_docx(data, config=config)
        elif src.kind == "eml":  # type: ignore[union-attr]
            result = rewrite_eml(data, config=config, path=name)
        else:
            result = rewrite_source(src, config=config, prescribed=_prescribed(src, config))  # type: ignore[arg-type]
    except ValueError as exc:
        message = str(exc).removeprefix(f"{args.path}: ")
        print(f"{args.path}: error[template-syntax] {message}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # jinja2 errors while checking the rewrite renders
        print(
            f"{args.path}: error: cannot rewrite this letter: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    try:
        if args.output:
            payload = docx_bytes if docx_bytes is not None else result.template.encode("utf-8")
            write_atomic(Path(args.output), payload, overwrite=args.force)
        else:
            sys.stdout.write(result.template)
        if args.context_out:
            write_atomic(
                Path(args.context_out),
                yaml.safe_dump(result.context, sort_keys=True, allow_unicode=True).encode("utf-8"),
                overwrite=args.force,
            )
    except FileExistsError as exc:
        print(f"letterlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"letterlint: error: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    for note in result.notes:
        print(f"{args.path}: note: {note}", file=sys.stderr)
    for f in result.unrewritten:  # left as written: no safe rewrite exists; a person decides
        print(
            f"{args.path}:{f.line}:{f.column}: {f.code} [{f.severity}] "
            f"not rewritten: {f.text!r} ({f.message})",
            file=sys.stderr,
        )
    if result.score is not None:
        print(f"{args.path}: score after the rewrite: {result.score}", file=sys.stderr)
    return EXIT_OK


def _prescribed(src: SourceText, config: Config) -> tuple[tuple[int, int], ...]:
    """The source spans a compliance pack prescribes in this letter (kept verbatim by `rewrite`)."""
    result = get_linter(config).lint(src)
    if result.error is not None and result.error.code == "letter-context":
        raise ConfigError(f"{src.path}: {result.error.message}")
    return result.prescribed


def cmd_export(args: argparse.Namespace) -> int:
    import yaml

    # lazy: the exporter is 3-6 ms of import; only `export` needs it
    from letterlint.actions.export import DIALECTS, ExportError, export_template

    if args.to not in DIALECTS:
        print(
            f"letterlint: error: unknown dialect {args.to!r}; choose one of {', '.join(DIALECTS)}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if args.to == "docx" and not args.output:
        print(
            "letterlint: error: --to docx writes a binary file: give -o OUT.docx", file=sys.stderr
        )
        return EXIT_ERROR
    if _refuses_to_replace(args.output, force=args.force):
        return EXIT_ERROR
    mapping = None
    if args.map:
        try:
            mapping = yaml.safe_load(Path(args.map).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            print(f"letterlint: error: cannot read the mapping {args.map}: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            print(
                f"letterlint: error: {args.map} must map schema names to field names",
                file=sys.stderr,
            )
            return EXIT_ERROR
    _, src, error = _read_file(args.template)
    if error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    try:
        out = export_template(src.source, args.to, mapping=mapping)  # type: ignore[union-attr]
    except ExportError as exc:
        print(f"{args.template}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    if not args.output:
        sys.stdout.write(out if isinstance(out, str) else "")
        return EXIT_OK
    try:
        write_atomic(Path(args.output), data, overwrite=args.force)
    except (FileExistsError, OSError) as exc:
        print(f"letterlint: error: cannot write {args.output}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    # lazy: the audit is ~15 ms of import from source; only `audit` needs it
    from letterlint.reporting.audit import audit

    # lazy: the report renderers (HTML, Word, charts) are 3-5 ms of import; only `audit` needs them
    from letterlint.reporting.reports import REPORT_SUFFIXES, write_report

    report_path = Path(args.report)
    if report_path.suffix.lower() not in REPORT_SUFFIXES:
        print(
            f"letterlint: error: --report must end in .html or .docx, not {report_path.name!r}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if _refuses_to_replace(report_path, force=args.force):
        return EXIT_ERROR
    if args.jobs is not None and args.jobs < 1 or args.pages < 0:
        print("letterlint: error: --jobs must be 1 or more and --pages 0 or more", file=sys.stderr)
        return EXIT_ERROR
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"letterlint: error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    config = _config(args)
    get_linter(config, args.context)  # validates selectors and the context before the long part
    with progress_bar(args.quiet) as progress:
        result = audit(
            args.paths,
            config=config,
            client=args.client,
            author=args.author,
            context_file=args.context,
            jobs=args.jobs,
            cache=not args.no_cache,
            progress=progress,
            pages=args.pages,
            exclude=(report_path,),
        )
    if not result.summary.letters:  # a report of 0 letters helps no one and looks like a result
        for fr in result.unreadable:
            print(f"{fr.path}: error[{fr.error.code}] {fr.error.message}", file=sys.stderr)  # type: ignore[union-attr]
        if not result.unreadable:
            warn_no_letters(args.paths)
        print(
            f"letterlint: error: no letters could be audited under {', '.join(args.paths)}; "
            "no report written",
            file=sys.stderr,
        )
        return EXIT_ERROR
    try:
        write_report(result, report_path, overwrite=args.force)
    except FileExistsError as exc:
        print(f"letterlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(
            f"letterlint: error: cannot write {report_path}: {exc.strerror or exc}", file=sys.stderr
        )
        return EXIT_ERROR
    for fr in result.unreadable:
        print(f"{fr.path}: error[{fr.error.code}] {fr.error.message}", file=sys.stderr)  # type: ignore[union-attr]
    s = result.summary
    mean = f"; average score {s.mean:.0f}" if s.mean is not None else ""
    unread = (
        f"; {len(result.unreadable)} could not be read (listed in the report)"
        if result.unreadable
        else ""
    )
    print(
        f"Wrote {report_path}: {s.letters} letter{'s' if s.letters != 1 else ''} "
        f"audited{mean}{unread}.",
        file=sys.stderr,
    )
    return EXIT_ERROR if result.unreadable else EXIT_OK


def _rules_for_listing() -> tuple[Rule, ...]:
    """The configured rules, and every built-in pack's (so `rule CODE` explains any of them)."""
    config = Config.load()
    rules = load_rules(config.packs, config.extend_rules)
    known = {r.code for r in rules}
    others = [p for p in available_packs() if p not in config.packs]
    extra = tuple(r for r in load_rules(tuple(others)) if r.code not in known) if others else ()
    return tuple(sorted(rules + extra, key=lambda r: r.code))


def cmd_rules(packs: Sequence[str] = ()) -> int:
    if packs:
        rules = load_rules(tuple(packs))
    else:
        config = Config.load()
        rules = load_rules(config.packs, config.extend_rules)
    width = max(len(r.name) for r in rules)
    print(f"{'code':<6} {'name':<{width}} {'severity':<8} summary")
    for r in rules:
        print(f"{r.code:<6} {r.name:<{width}} {r.severity:<8} {r.summary}")
    return EXIT_OK


def cmd_rule(key: str) -> int:
    # lazy: only `rule CODE` describes a rule (its frame's word lists too)
    from letterlint.output.ruledoc import describe_rule

    rules = _rules_for_listing()
    for r in rules:
        if key.upper() == r.code or key == r.name:
            sys.stdout.write(describe_rule(r))
            return EXIT_OK
    close = [r.name for r in rules if key.lower() in r.name]
    hint = f"; did you mean {', '.join(close[:5])}?" if close else "; `letterlint rules` lists them"
    print(f"letterlint: error: no rule {key!r}{hint}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
