"""Placeholders and templates (contract 4).

Two jobs:

* `find_placeholders` recognises every placeholder syntax in any file, so the analysis
  can treat each as one opaque token (`mask`): never a word to flag, never the end of a
  sentence, never shouting, one word for readability.
* `jinja_variants` follows a Jinja template's control flow. It renders an instrumented
  copy in a sandbox where every piece of literal text and every ``{{ expression }}`` is
  replaced by a marker and every ``{% if %}`` condition is forced, once per branch. The
  markers that come out say which pieces of the source make up each variant, so each
  variant is a concatenation of source slices and maps back to source offsets exactly
  (the slices tile the variant with no gaps). Expressions are never evaluated, so an
  undefined variable can never render as an empty string.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from letterlint.core.spans import line_col, line_starts
from letterlint.reading.readers import ReadError

# --------------------------------------------------------------------------- placeholders

# The placeholder syntaxes of contract 4, tried in this order at each place (the first
# that matches wins), each with the text it cannot match without (its closer), for
# `_placeholder_matches`. Smarty {$var|modifier} prints; {if}, {assign}, {/foreach} are
# code; capitalised bracketed slots and instructions ([NAME OF CREDITOR], [X]) are slots.
_ALTERNATIVES: tuple[tuple[str, re.Pattern[str], str | re.Pattern[str] | None], ...] = (
    ("triple", re.compile(r"\{\{\{.*?\}\}\}", re.S), "}}}"),
    ("comment", re.compile(r"\{#.*?#\}", re.S), "#}"),
    ("comment", re.compile(r"\{\{!--.*?--\}\}", re.S), "--}}"),
    ("comment", re.compile(r"\{\{!.*?\}\}", re.S), "}}"),
    ("comment", re.compile(r"<!--.*?-->", re.S), "-->"),
    ("comment", re.compile(r"\{\*.*?\*\}", re.S), "*}"),
    (
        "comment",
        re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S),
        re.compile(r"\{%-?\s*endcomment\s*-?%\}"),
    ),
    (
        "block",
        re.compile(
            r"\{\{\s*[#/^>]?\s*(?:else|if|unless|each|with|end|range|define|template|block)\b.*?\}\}",
            re.S,
        ),
        "}}",
    ),
    ("block", re.compile(r"\{\{[#/^>].*?\}\}", re.S), "}}"),
    ("block", re.compile(r"\{%.*?%\}", re.S), "%}"),
    ("double", re.compile(r"\{\{.*?\}\}", re.S), "}}"),
    ("mc_block", re.compile(r"\*\|(?:IF|IFNOT|ELSEIF|ELSE|END):[^|]*\|\*"), None),
    ("mailchimp", re.compile(r"\*\|[A-Z0-9_:]+\|\*"), None),
    ("salesforce", re.compile(r"\{![^{}\n]+\}"), None),
    ("format", re.compile(r"%\([A-Za-z_]\w*\)[sdfr]"), None),
    ("dollar", re.compile(r"\$\{[A-Za-z_][\w.]*\}"), None),
    ("smarty", re.compile(r"\{\$[^{}\n]{1,120}\}"), None),
    (
        "smarty_block",
        re.compile(
            r"\{/?(?:if|else|elseif|foreach|foreachelse|assign|include|section|sectionelse|literal"
            r"|capture|strip|block|extends|function|call|nocache|while|for|ldelim|rdelim)\b[^{}\n]{0,200}\}"
        ),
        None,
    ),
    # a Smarty plugin call that prints a value: {displayPrice price=$total currency=$cur}
    (
        "smarty_call",
        re.compile(
            r"\{[A-Za-z_]\w*(?:\s+\w+=(?:\$[\w.>\[\]-]+|'[^'\n]*'|\"[^\"\n]*\"|[\w.]+))+\s*\}"
        ),
        None,
    ),
    ("single", re.compile(r"\{[A-Za-z_][\w.]*(?:-[\w.]+)*\}"), None),
    ("angle", re.compile(r"<<[A-Za-z_][\w .]*>>|«[^«»\n]{1,60}»"), None),
    (
        "bracket",
        re.compile(r"\[(?:[A-Z][a-z]+|[A-Z]{2,}|[a-z]+)(?:[ _][A-Za-z][a-z]*){0,4}\](?!\()"),
        None,
    ),
    ("slot", re.compile(r"\[[A-Z][^\[\]\n]{0,100}\](?!\()"), None),
)
_CANDIDATE = re.compile(r"(?=[{\[«]|<<|<!--|\*\||%\(|\$\{)")


def _placeholder_matches(text: str) -> Iterator[tuple[str, int, int]]:
    """``(kind, start, end)`` of each placeholder, as one regex of all the alternatives
    would find them, in linear time.

    That one regex is quadratic on hostile text: every ``{{`` without a ``}}`` after it
    scans to the end of the letter (3,000 ``{{ `` took seconds). Here the alternatives
    are tried in the same order at the same places, but one whose closer does not occur
    later in the text is not tried at all, so a lazy scan always stops at its closer.
    """
    last: dict[int, int] = {}  # alternative -> where its last closer starts (-1: none)
    for i, (_, _, closer) in enumerate(_ALTERNATIVES):
        if isinstance(closer, str):
            last[i] = text.rfind(closer)
        elif closer is not None:
            last[i] = max((m.start() for m in closer.finditer(text)), default=-1)
    pos = 0
    for c in _CANDIDATE.finditer(text):
        p = c.start()
        if p < pos:
            continue
        for i, (kind, pattern, _) in enumerate(_ALTERNATIVES):
            if last.get(i, p + 1) <= p:
                continue  # its closer never comes again: it cannot match here or later
            m = pattern.match(text, p)
            if m is not None and m.end() > p:
                yield kind, p, m.end()
                pos = m.end()
                break


_MAY_HOLD = re.compile(r"[{\[«]|<<|<!--|\*\||%\(|\$\{")

# Template code and slots of other systems, found by a second pattern with its own cheap
# gate (letters without any of these characters skip it): Blade / Razor / Twirl ``@if (...)``
# and ``@(expr)``, ``<NAME>`` written as text, ``%VAR%``, ``$var`` and ``$obj->field``,
# ``CUSTOMER_NAME``, blanks to fill in (``_____``, ``XXX.XX``, a row of dots, or four dots
# against a word or in brackets: "within ....days", "(....)") and
# parenthesised slots ("(their name)", "(insert date)").
_HTML_TAGS = (
    r"/?(?:br|b|i|u|p|a|em|strong|span|div|img|hr|ul|ol|li|table|tr|td|th|tbody|thead|h[1-6]|"
    r"small|sup|sub|font|center)\b"
)
_SLOT_WORDS = (
    r"name|amount|date|number|address|details|sum|month|year|title|company|phone|telephone|email|"
    r"e-mail|contact|figure|days|reference|interest|penalty|balance|invoice|insert|enter|mention|complete"
)
_SLOT_WORD = re.compile(r"\b(?:" + _SLOT_WORDS + r")\b", re.I)
_OTHER = re.compile(
    r"(?P<at_code>(?<![\w@.])@(?:if|elseif|else|endif|foreach|endforeach|for|endfor|while|endwhile|php|endphp"
    r"|include|section|endsection|yield|extends|unless|endunless|isset|endisset|empty|endempty|switch|case"
    r"|endswitch|csrf|lang|component|endcomponent|import|defining|helper|using|model|inherits|functions)\b"
    r"(?:[ \t]*\((?:[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\))*\))?)"
    r"|(?P<at_out>(?<![\w@.])@\((?:[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\))*\)"
    r"|(?<![\w@.])@[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\((?:[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\))*\)"
    r"|(?<![\w@.])@[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)"
    r"|(?P<tag><" + _HTML_TAGS + r"[^<>\n]{0,200}>)"
    r"|(?P<angle1><[A-Za-z_][\w .'’-]{0,40}>)"
    r"|(?P<percent>%[A-Za-z][A-Za-z0-9_]*%)"
    r"|(?P<var>(?<![\w$])\$[A-Za-z_][A-Za-z0-9_]*(?:(?:->|\.)[A-Za-z_]\w*)*)"
    r"|(?P<caps_var>\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b)"
    r"|(?P<blank>_{3,}|\.{6,}|\.{4,5}(?=[A-Za-z0-9])|(?<=\()\.{3,5}(?=\))|\bX{3,}(?:[.,]X{2})?\b)"
    r"|(?P<paren>\((?=[^()\n]{0,60}\b(?:" + _SLOT_WORDS + r")\b)[a-z][a-z0-9 /’'-]{0,60}\))",
)
_OTHER_GATE = ("@", "<", "%", "$", "_", "XXX", "....", "(")


def _other_may_hold(text: str) -> bool:
    return any(g in text for g in _OTHER_GATE)


_NAME_INSIDE = re.compile(r"[A-Za-z_][\w.]*")
_SLOT_INSIDE = re.compile(r"[A-Za-z_][\w.]*(?: [A-Za-z][a-z]*)*")
_NAME_LIKE = re.compile(
    r"(?:^|[._\s])(?:first_?name|last_?name|full_?name|given_?name|surname|fore_?name|fname|lname|"
    r"name|customer|contact_name|recipient|salutation|title)$|^(?:first|last|full)?\s?name$",
    re.I,
)
_BRACKET_SLOT = re.compile(r"\[(?:[A-Z][a-z]*|[A-Z]{2,})(?:[ _][A-Z][a-zA-Z]*){0,4}\]")

#: Merge fields written in capitals inside brackets ("<BALANCE>", "[ACCOUNT NO]", "%BALANCE%")
#: as a reader sees them: `fix` never recases them and `rewrite` keeps them verbatim.
CAPS_SLOT = re.compile(
    r"<[A-Z][A-Z0-9_ ]{2,}>|\[[A-Z][A-Z0-9_ ]{2,}\]|\{[A-Z][A-Z0-9_ ]{2,}\}|"
    r"%[A-Z][A-Z0-9_]+%|\{\$\w[\w.]*\}"
)


@dataclass(frozen=True)
class Placeholder:
    """A placeholder or piece of template code at ``[start, end)`` of the text."""

    start: int
    end: int
    output: bool  # False for template code and comments (they produce no text)
    name: str  # the variable inside, "" for code

    @property
    def is_name(self) -> bool:
        return bool(self.name) and bool(_NAME_LIKE.search(self.name))


def _inner_name(token: str, kind: str) -> str:
    inner = token
    for pre, post in (
        ("{{{", "}}}"),
        ("{{", "}}"),
        ("${", "}"),
        ("{$", "}"),
        ("%(", ")"),
        ("{!", "}"),
        ("*|", "|*"),
        ("<<", ">>"),
        ("«", "»"),
        ("[", "]"),
        ("{", "}"),
        ("@(", ")"),
        ("<", ">"),
        ("(", ")"),
        ("%", "%"),
        ("@", ""),
        ("$", ""),
    ):
        if inner.startswith(pre):
            inner = inner[len(pre) :]
            if post and post in inner:
                inner = inner[: inner.rindex(post)]
            break
    inner = inner.strip(" -~")
    if kind == "smarty_call":  # the value it prints: its first variable
        var = re.search(r"\$([A-Za-z_]\w*)", inner)
        return var.group(1) if var else ""
    if kind == "blank":
        return ""
    if kind in ("slot", "paren", "angle1"):
        return " ".join(inner.split())[:60]
    m = (
        _SLOT_INSIDE if kind in ("bracket", "angle", "slot", "angle1", "paren") else _NAME_INSIDE
    ).search(inner)
    return m.group(0) if m else ""


def find_placeholders(text: str, *, comments: bool = True) -> list[Placeholder]:
    """Every placeholder and template construct in ``text``, in order, none overlapping."""
    out: list[Placeholder] = []
    if _MAY_HOLD.search(text):  # most letters hold none: one cheap scan instead of the big pattern
        for kind, start, end in _placeholder_matches(text):
            tok = text[start:end]
            if kind == "comment" and not comments:
                continue
            if (
                kind == "bracket"
                and not _BRACKET_SLOT.fullmatch(tok)
                and not _SLOT_WORD.search(tok)
            ):
                # "[sic]" or "[1]" in prose is not a slot; Title Case ones and "[date]" are
                continue
            out.append(_placeholder(start, end, tok, kind))
    if _other_may_hold(text):
        other = [
            _placeholder(m.start(), m.end(), m.group(0), m.lastgroup or "")
            for m in _OTHER.finditer(text)
        ]
        if other:
            out = _merge_placeholders(out, other)
    return out


_CODE_KINDS = frozenset({"comment", "block", "mc_block", "smarty_block", "at_code", "tag"})


def _placeholder(start: int, end: int, tok: str, kind: str) -> Placeholder:
    if kind in _CODE_KINDS:
        return Placeholder(start, end, False, "")
    return Placeholder(start, end, True, _inner_name(tok, kind))


def _merge_placeholders(first: list[Placeholder], second: list[Placeholder]) -> list[Placeholder]:
    """Both lists in order; a placeholder of ``second`` that overlaps one of ``first`` is
    dropped."""
    merged = sorted(first + second, key=lambda p: (p.start, -(p.end - p.start)))
    out: list[Placeholder] = []
    primary = set(map(id, first))
    for p in merged:
        if out and p.start < out[-1].end:
            if id(p) in primary and id(out[-1]) not in primary:
                out[-1] = p  # the template syntax wins over a slot found inside it
            continue
        out.append(p)
    return out


def mask(text: str, placeholders: list[Placeholder]) -> str:
    """Replace each output placeholder by one same-length word and code by spaces.

    Keeping the length keeps every offset valid. The word starts with a capital and has
    no punctuation, so it is one token that never ends a sentence and never shouts.
    """
    if not placeholders:
        return text
    parts: list[str] = []
    pos = 0
    for ph in placeholders:
        parts.append(text[pos : ph.start])
        n = ph.end - ph.start
        if ph.output:
            parts.append("X" + "x" * (n - 1))
        else:
            seg = text[ph.start : ph.end]
            parts.append("".join(c if c in "\r\n" else " " for c in seg))
        pos = ph.end
    parts.append(text[pos:])
    return "".join(parts)


# --------------------------------------------------------------------------- jinja variants

_JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_STMT = re.compile(r"\{%[-+]?\s*(\w+)(.*?)[-+]?%\}", re.S)
_FOR = re.compile(r"^\s*(.+?)\s+in\s+.+$", re.S)
MAX_VARIANTS = 8
_INLINE_SET = re.compile(r"^\s*[\w\s,.()]+?=(?!=)")  # ``{% set x = ... %}``, not ``{% set x %}...``


@dataclass(frozen=True)
class Branch:
    line: int
    tag: str  # e.g. "{% else %}"


@dataclass(frozen=True)
class Piece:
    """A slice of the template source: literal text or an ``{{ expression }}``."""

    start: int
    end: int
    expr: bool
    branch: Branch | None


@dataclass(frozen=True)
class Variant:
    """One rendering of the template: source slices in the order they were emitted."""

    text: str
    var_starts: tuple[int, ...]
    pieces: tuple[Piece, ...]

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        return self._map(start, False), self._map(end, True)

    def _map(self, off: int, is_end: bool) -> int:
        if not self.pieces:
            return 0
        i = bisect_right(self.var_starts, off - 1 if is_end and off > 0 else off) - 1
        i = max(0, min(i, len(self.pieces) - 1))
        p = self.pieces[i]
        return (
            min(p.start + (off - self.var_starts[i]), p.end)
            if off >= self.var_starts[i]
            else p.start
        )

    def branch_at(self, off: int) -> Branch | None:
        i = bisect_right(self.var_starts, off) - 1
        return self.pieces[i].branch if 0 <= i < len(self.pieces) else None


class _Opaque:
    """Stands for any loop item: attribute access, calls and iteration all succeed."""

    def __init__(self, n: int = 0) -> None:
        self._n = n

    def __getattr__(self, name: str) -> _Opaque:
        return _Opaque()

    def __getitem__(self, key: Any) -> _Opaque:
        return _Opaque()

    def __call__(self, *a: Any, **k: Any) -> _Opaque:
        return _Opaque()

    def __iter__(self) -> Any:
        return iter([_Opaque() for _ in range(self._n)])

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return True


# --------------------------------------------------------------------------- bounded rendering

MAX_RENDER_CHARS = 1_000_000
"""The most text a template may render to (the editor's preview, `render_bounded`)."""
MAX_RENDER_STEPS = 100_000
"""The most loop steps over ``range`` a rendering may take, all loops together."""
MAX_RENDER_SECONDS = 2.0
MAX_TEMPLATE_INT = 10_000
"""The largest count a template may repeat text by (``'a' * n``, ``center(n)``, ``range(n)``)."""
_SIZED_FILTERS = (
    "center",
    "indent",
    "wordwrap",
    "truncate",
    "batch",
    "slice",
    "format",
    "filesizeformat",
)


class TemplateLimitError(ReadError, ValueError):
    """A template that would take too long, too much memory or too deep a recursion to render.

    Its ``code`` is ``too-complex`` and its message says which limit was reached. It is
    also a ValueError, what callers of the API expect from a template that cannot be used.
    """

    def __init__(self, message: str) -> None:
        super().__init__("too-complex", message)


def _check_count(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_TEMPLATE_INT:
        raise TemplateLimitError(
            f"{what} {value if abs(value) < 10**12 else 'so large'} is over the limit of "
            f"{MAX_TEMPLATE_INT:,}"
        )


def bounded_environment(**kwargs: Any) -> Any:
    """A `SandboxedEnvironment` that refuses what could exhaust time or memory.

    Powers and products that would make huge numbers or strings, ``range`` beyond
    `MAX_RENDER_STEPS` steps in all, and filters given huge widths or counts raise
    `TemplateLimitError`. (The sandbox itself already stops access to Python internals.)
    """
    import time

    from jinja2.sandbox import SandboxedEnvironment

    class _Bounded(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "<<"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**":
                if (
                    not isinstance(left, (int, float))
                    or not isinstance(right, (int, float))
                    or abs(right) > 64
                    or (isinstance(left, int) and abs(left) > MAX_TEMPLATE_INT)
                ):
                    raise TemplateLimitError("a power in the template is too large to compute")
            elif operator == "<<":
                raise TemplateLimitError(
                    "the template shifts a number by bits, which is not supported"
                )
            else:
                for a, b in ((left, right), (right, left)):
                    if isinstance(a, (str, list, tuple)) and isinstance(b, int):
                        if len(a) * max(b, 0) > MAX_RENDER_CHARS:
                            raise TemplateLimitError(
                                "the template repeats text beyond the size limit"
                            )
                if (
                    isinstance(left, int)
                    and isinstance(right, int)
                    and left.bit_length() + right.bit_length() > 4096
                ):
                    raise TemplateLimitError("a product in the template is too large to compute")
            return super().call_binop(context, operator, left, right)

    env = _Bounded(**kwargs)
    steps = [0]
    deadline = [time.monotonic() + MAX_RENDER_SECONDS]

    def bounded_range(*args: int) -> Any:
        for a in args:
            _check_count(a, "range")
        for i in range(*args):
            steps[0] += 1
            if steps[0] > MAX_RENDER_STEPS or (
                steps[0] % 1000 == 0 and time.monotonic() > deadline[0]
            ):
                raise TemplateLimitError(
                    f"the template's loops run past {MAX_RENDER_STEPS:,} steps or "
                    f"{MAX_RENDER_SECONDS:g} s"
                )
            yield i

    env.globals["range"] = bounded_range
    env.globals.pop("lipsum", None)
    for name in _SIZED_FILTERS:
        func = env.filters.get(name)
        if func is None:
            continue

        def sized(*args: Any, _func: Any = func, _name: str = name, **kw: Any) -> Any:
            for a in (*args[1:], *kw.values()):
                _check_count(a, f"the {_name} filter's argument")
            return _func(*args, **kw)

        for attr in ("jinja_pass_arg",):  # keep how Jinja passes the context or environment
            if hasattr(func, attr):
                setattr(sized, attr, getattr(func, attr))
        env.filters[name] = sized
    env.letterlint_budget = (steps, deadline)  # type: ignore[attr-defined]
    return env


def render_bounded(env: Any, source: str, context: dict[str, Any]) -> str:
    """Render ``source`` in a `bounded_environment`; `TemplateLimitError` past any limit.

    Also bounds the output (`MAX_RENDER_CHARS`), the time between output chunks and the
    recursion depth (macros calling themselves). Syntax errors raise Jinja's own errors.
    """
    import time

    steps, deadline = env.letterlint_budget
    steps[0] = 0
    deadline[0] = time.monotonic() + MAX_RENDER_SECONDS
    try:
        template = env.from_string(source)
        out: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_RENDER_CHARS:
                raise TemplateLimitError(
                    f"the template renders to more than {MAX_RENDER_CHARS:,} characters"
                )
            if time.monotonic() > deadline[0]:
                raise TemplateLimitError(
                    f"the template takes more than {MAX_RENDER_SECONDS:g} s to render"
                )
            out.append(chunk)
        return "".join(out)
    except (RecursionError, MemoryError):
        raise TemplateLimitError("the template nests or recurses too deeply to render") from None
    except SyntaxError:  # Python's own limit on nested blocks, reached by deep {% for %} nesting
        raise TemplateLimitError("the template nests its blocks too deeply to render") from None
    except OverflowError:
        raise TemplateLimitError("a number in the template is too large") from None


def check_jinja_syntax(source: str) -> None:
    """Raise `ReadError` ``template-syntax`` naming the line of the first error."""
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    try:
        SandboxedEnvironment().parse(source)
    except TemplateSyntaxError as exc:
        raise ReadError("template-syntax", f"line {exc.lineno}: {exc.message}") from None
    except (RecursionError, MemoryError):
        raise ReadError(
            "template-syntax",
            "the template nests too deeply to be parsed (unclosed brackets or blocks?)",
        ) from None


def jinja_variants(source: str) -> list[Variant]:
    """Render every ``{% if %}`` branch at least once; see the module docstring."""
    from jinja2 import ChainableUndefined

    check_jinja_syntax(source)
    starts = line_starts(source)
    pieces: list[Piece] = []
    out: list[str] = []
    chain_sizes: list[int] = []
    stack: list[list[Any]] = []  # [kind, chain id, branch index, Branch]
    pos = 0

    def current_branch() -> Branch | None:
        for frame in reversed(stack):
            if frame[0] == "if":
                return frame[3]
        return None

    def add_text(a: int, b: int) -> None:
        if a < b:
            pieces.append(Piece(a, b, False, current_branch()))
            out.append("{{ _ll(%d) }}" % (len(pieces) - 1))

    raw_end = re.compile(r"\{%-?\s*endraw\s*-?%\}")
    for m in _JINJA_TAG.finditer(source):
        if m.start() < pos:
            continue
        add_text(pos, m.start())
        tok = m.group(0)
        pos = m.end()
        if tok.startswith("{#"):
            continue
        if tok.startswith("{{"):
            pieces.append(Piece(m.start(), m.end(), True, current_branch()))
            out.append("{{ _ll(%d) }}" % (len(pieces) - 1))
            continue
        sm = _STMT.match(tok)
        word = sm.group(1) if sm else ""
        line = line_col(starts, m.start())[0]
        if word == "raw":
            end = raw_end.search(source, pos)
            stop = end.start() if end else len(source)
            add_text(pos, stop)
            pos = end.end() if end else len(source)
            continue
        if word == "if":
            chain_sizes.append(1)
            stack.append(["if", len(chain_sizes) - 1, 0, Branch(line, tok.strip())])
            out.append("{%% if _llb(%d, 0) %%}" % (len(chain_sizes) - 1))
        elif word == "elif" and stack and stack[-1][0] == "if":
            frame = stack[-1]
            frame[2] += 1
            frame[3] = Branch(line, tok.strip())
            chain_sizes[frame[1]] += 1
            out.append("{%% elif _llb(%d, %d) %%}" % (frame[1], frame[2]))
        elif word == "else" and stack and stack[-1][0] == "if":
            frame = stack[-1]
            frame[2] += 1
            frame[3] = Branch(line, tok.strip())
            out.append("{% else %}")
        elif word == "endif" and stack:
            stack.pop()
            out.append("{% endif %}")
        elif word == "for":
            fm = _FOR.match(sm.group(2)) if sm else None
            target = fm.group(1) if fm else "_"
            n = target.count(",") + 1 if "," in target else 0
            stack.append(["for", -1, 0, None])
            out.append("{%% for %s in _llloop(%d) %%}" % (target, n))
        elif word == "endfor" and stack:
            stack.pop()
            out.append("{% endfor %}")
        elif word == "set" and sm is not None and _INLINE_SET.match(sm.group(2)):
            pass  # nothing reads the value: expressions are never evaluated
        elif word in ("set", "call", "filter"):  # a block whose body is text: kept, not evaluated
            stack.append(["block", -1, 0, None])
            out.append("{% if true %}")
        elif word in ("endset", "endcall", "endfilter") and stack:
            stack.pop()
            out.append("{% endif %}")
        elif word == "with":
            out.append("{% with %}")
        elif word == "autoescape":
            out.append("{% autoescape false %}")
        else:
            out.append(tok)  # macro, block, endwith, ...: kept as written (they evaluate nothing)
    add_text(pos, len(source))

    n_variants = min(MAX_VARIANTS, max([s + 1 for s in chain_sizes] or [1]))
    env = bounded_environment(undefined=ChainableUndefined, autoescape=False)
    instrumented = "".join(out)
    marker = re.compile(r"\x00(\d+)\x01")
    variants: list[Variant] = []
    seen: set[tuple[int, ...]] = set()
    for v in range(n_variants):
        ctx = {
            "_ll": lambda i: "\x00%d\x01" % i,
            "_llb": lambda chain, branch, v=v: branch == v,
            "_llloop": lambda n: [_Opaque(n) if n else _Opaque()],
        }
        try:
            rendered = render_bounded(env, instrumented, ctx)
        except TemplateLimitError:
            raise
        except Exception as exc:  # undefined filters, includes without a loader, ...
            if not variants:
                raise _RenderFailed(str(exc)) from None
            break
        order: list[int] = []
        for mm in marker.finditer(rendered):
            i = int(mm.group(1))
            if i not in order:
                order.append(i)
        key = tuple(order)
        if key in seen:
            continue
        seen.add(key)
        var_starts: list[int] = []
        text_parts: list[str] = []
        off = 0
        for i in order:
            p = pieces[i]
            var_starts.append(off)
            text_parts.append(source[p.start : p.end])
            off += p.end - p.start
        variants.append(
            Variant("".join(text_parts), tuple(var_starts), tuple(pieces[i] for i in order))
        )
    return variants


class _RenderFailed(Exception):
    """The instrumented template could not be rendered; fall back to masking."""


# --------------------------------------------------------------------------- other dialects

_HB_TAG = re.compile(r"\{\{\{?.*?\}?\}\}", re.S)
_HB_OPEN = re.compile(r"^\{\{[#^]\s*([\w.-]+)")
_HB_CLOSE = re.compile(r"^\{\{/\s*([\w.-]+)\s*\}\}$")
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+).*?-?%\}", re.S)
_LIQUID_BLOCKS = {"if", "unless", "for", "case", "capture", "comment", "raw", "tablerow"}


def check_dialect_syntax(source: str, kind: str) -> None:
    """Balance checks for Handlebars / Mustache sections and Liquid blocks."""
    starts = line_starts(source)
    if kind in ("handlebars", "mustache"):
        depth = source.count("{{") - source.count("}}")
        stack: list[tuple[str, int]] = []
        # a tag ends at a ``}}``: none starts after the last one (a lazy scan from every
        # later ``{{`` to the end of the text would make this quadratic)
        for m in _HB_TAG.finditer(source, 0, source.rfind("}}") + 2):
            tok = m.group(0)
            line = line_col(starts, m.start())[0]
            if tok.startswith("{{!"):
                continue
            om = _HB_OPEN.match(tok)
            cm = _HB_CLOSE.match(tok)
            if om:
                stack.append((om.group(1), line))
            elif cm:
                if not stack:
                    raise ReadError(
                        "template-syntax",
                        f"line {line}: {{{{/{cm.group(1)}}}}} closes a section that was never "
                        "opened",
                    )
                name, oline = stack.pop()
                if name != cm.group(1):
                    raise ReadError(
                        "template-syntax",
                        f"line {line}: {{{{/{cm.group(1)}}}}} does not match "
                        f"{{{{#{name}}}}} opened on line {oline}",
                    )
        if stack:
            name, oline = stack[-1]
            raise ReadError(
                "template-syntax", f"line {oline}: section {{{{#{name}}}}} is never closed"
            )
        if depth > 0:
            idx = source.rfind("{{")
            raise ReadError(
                "template-syntax", f"line {line_col(starts, idx)[0]}: '{{{{' is never closed"
            )
    elif kind == "liquid":
        lstack: list[tuple[str, int]] = []
        for m in _LIQUID_TAG.finditer(source, 0, source.rfind("%}") + 2):
            word = m.group(1)
            line = line_col(starts, m.start())[0]
            if word in _LIQUID_BLOCKS:
                lstack.append((word, line))
            elif word.startswith("end"):
                if not lstack or lstack[-1][0] != word[3:]:
                    raise ReadError(
                        "template-syntax",
                        f"line {line}: {{% {word} %}} does not close an open block",
                    )
                lstack.pop()
        if lstack:
            word, oline = lstack[-1]
            raise ReadError("template-syntax", f"line {oline}: {{% {word} %}} is never closed")
