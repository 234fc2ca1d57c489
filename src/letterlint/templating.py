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
from dataclasses import dataclass
from typing import Any

from .readers import ReadError, line_col, line_starts

# --------------------------------------------------------------------------- placeholders

_PLACEHOLDER = re.compile(
    r"(?P<triple>\{\{\{.*?\}\}\})"
    r"|(?P<comment>\{#.*?#\}|\{\{!--.*?--\}\}|\{\{!.*?\}\}|<!--.*?-->|\{\*.*?\*\}"
    r"|\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\})"
    r"|(?P<block>\{\{\s*[#/^>]?\s*(?:else|if|unless|each|with|end|range|define|template|block)\b.*?\}\}"
    r"|\{\{[#/^>].*?\}\}|\{%.*?%\})"
    r"|(?P<double>\{\{.*?\}\})"
    r"|(?P<mc_block>\*\|(?:IF|IFNOT|ELSEIF|ELSE|END):[^|]*\|\*)"
    r"|(?P<mailchimp>\*\|[A-Z0-9_:]+\|\*)"
    r"|(?P<salesforce>\{![^{}\n]+\})"
    r"|(?P<format>%\([A-Za-z_]\w*\)[sdfr])"
    r"|(?P<dollar>\$\{[A-Za-z_][\w.]*\})"
    # Smarty: {$var|modifier} prints, {if}, {assign var=...}, {/foreach} are code
    r"|(?P<smarty>\{\$[^{}\n]{1,120}\})"
    r"|(?P<smarty_block>\{/?(?:if|else|elseif|foreach|foreachelse|assign|include|section|sectionelse|literal"
    r"|capture|strip|block|extends|function|call|nocache|while|for|ldelim|rdelim)\b[^{}\n]{0,200}\})"
    r"|(?P<single>\{[A-Za-z_][\w.]*\})"
    r"|(?P<angle><<[A-Za-z_][\w .]*>>|«[^«»\n]{1,60}»)"
    r"|(?P<bracket>\[(?:[A-Z][a-z]+|[A-Z]{2,}|[a-z]+)(?:[ _][A-Za-z][a-z]*){0,4}\](?!\())"
    # capitalised bracketed slots and instructions: [NAME OF CREDITOR], [X], [Your business name]
    r"|(?P<slot>\[[A-Z][^\[\]\n]{0,100}\](?!\())",
    re.S,
)
_MAY_HOLD = re.compile(r"[{\[«]|<<|<!--|\*\||%\(|\$\{")

# Template code and slots of other systems, found by a second pattern with its own cheap
# gate (letters without any of these characters skip it): Blade / Razor / Twirl ``@if (...)``
# and ``@(expr)``, ``<NAME>`` written as text, ``%VAR%``, ``$var`` and ``$obj->field``,
# ``CUSTOMER_NAME``, blanks to fill in (``_____``, ``XXX.XX``, a row of dots) and
# parenthesised slots ("(their name)", "(insert date)").
_HTML_TAGS = r"/?(?:br|b|i|u|p|a|em|strong|span|div|img|hr|ul|ol|li|table|tr|td|th|tbody|thead|h[1-6]|small|sup|sub|font|center)\b"
_SLOT_WORDS = (r"name|amount|date|number|address|details|sum|month|year|title|company|phone|telephone|email|"
               r"e-mail|contact|figure|days|reference|interest|penalty|balance|invoice|insert|enter|mention|complete")
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
    r"|(?P<blank>_{3,}|\.{6,}|\bX{3,}(?:[.,]X{2})?\b)"
    r"|(?P<paren>\((?=[^()\n]{0,60}\b(?:" + _SLOT_WORDS + r")\b)[a-z][a-z0-9 /’'-]{0,60}\))",
)
_OTHER_GATE = ("@", "<", "%", "$", "_", "XXX", "......", "(")


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
    for pre, post in (("{{{", "}}}"), ("{{", "}}"), ("${", "}"), ("{$", "}"), ("%(", ")"), ("{!", "}"),
                      ("*|", "|*"), ("<<", ">>"), ("«", "»"), ("[", "]"), ("{", "}"), ("@(", ")"),
                      ("<", ">"), ("(", ")"), ("%", "%"), ("@", ""), ("$", "")):
        if inner.startswith(pre):
            inner = inner[len(pre):]
            if post and post in inner:
                inner = inner[: inner.rindex(post)]
            break
    inner = inner.strip(" -~")
    if kind == "blank":
        return ""
    if kind in ("slot", "paren", "angle1"):
        return " ".join(inner.split())[:60]
    m = (_SLOT_INSIDE if kind in ("bracket", "angle", "slot", "angle1", "paren") else _NAME_INSIDE).search(inner)
    return m.group(0) if m else ""


def find_placeholders(text: str, *, comments: bool = True) -> list[Placeholder]:
    """Every placeholder and template construct in ``text``, in order, none overlapping."""
    out: list[Placeholder] = []
    if _MAY_HOLD.search(text):  # most letters hold none: one cheap scan instead of the big pattern
        for m in _PLACEHOLDER.finditer(text):
            kind = m.lastgroup or ""
            tok = m.group(0)
            if kind == "comment" and not comments:
                continue
            if kind == "bracket" and not _BRACKET_SLOT.fullmatch(tok) and not _SLOT_WORD.search(tok):
                continue  # "[sic]" or "[1]" in prose is not a slot; Title Case ones and "[date]" are
            out.append(_placeholder(m.start(), m.end(), tok, kind))
    if _other_may_hold(text):
        other = [_placeholder(m.start(), m.end(), m.group(0), m.lastgroup or "") for m in _OTHER.finditer(text)]
        if other:
            out = _merge_placeholders(out, other)
    return out


_CODE_KINDS = frozenset({"comment", "block", "mc_block", "smarty_block", "at_code", "tag"})


def _placeholder(start: int, end: int, tok: str, kind: str) -> Placeholder:
    if kind in _CODE_KINDS:
        return Placeholder(start, end, False, "")
    return Placeholder(start, end, True, _inner_name(tok, kind))


def _merge_placeholders(first: list[Placeholder], second: list[Placeholder]) -> list[Placeholder]:
    """Both lists in order; a placeholder of ``second`` that overlaps one of ``first`` is dropped."""
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
        parts.append(text[pos:ph.start])
        n = ph.end - ph.start
        if ph.output:
            parts.append("X" + "x" * (n - 1))
        else:
            seg = text[ph.start:ph.end]
            parts.append("".join(c if c in "\r\n" else " " for c in seg))
        pos = ph.end
    parts.append(text[pos:])
    return "".join(parts)


# --------------------------------------------------------------------------- jinja variants

_JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_STMT = re.compile(r"\{%[-+]?\s*(\w+)(.*?)[-+]?%\}", re.S)
_FOR = re.compile(r"^\s*(.+?)\s+in\s+.+$", re.S)
MAX_VARIANTS = 8


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
        return min(p.start + (off - self.var_starts[i]), p.end) if off >= self.var_starts[i] else p.start

    def branch_at(self, off: int) -> Branch | None:
        i = bisect_right(self.var_starts, off) - 1
        return self.pieces[i].branch if 0 <= i < len(self.pieces) else None


class _Opaque:
    """Stands for any loop item: attribute access, calls and iteration all succeed."""

    def __init__(self, n: int = 0) -> None:
        self._n = n

    def __getattr__(self, name: str) -> "_Opaque":
        return _Opaque()

    def __getitem__(self, key: Any) -> "_Opaque":
        return _Opaque()

    def __call__(self, *a: Any, **k: Any) -> "_Opaque":
        return _Opaque()

    def __iter__(self) -> Any:
        return iter([_Opaque() for _ in range(self._n)])

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return True


def check_jinja_syntax(source: str) -> None:
    """Raise `ReadError` ``template-syntax`` naming the line of the first error."""
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    try:
        SandboxedEnvironment().parse(source)
    except TemplateSyntaxError as exc:
        raise ReadError("template-syntax", f"line {exc.lineno}: {exc.message}") from None


def jinja_variants(source: str) -> list[Variant]:
    """Render every ``{% if %}`` branch at least once; see the module docstring."""
    from jinja2 import ChainableUndefined
    from jinja2.sandbox import SandboxedEnvironment

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
        else:
            out.append(tok)  # set, macro, block, ...: kept as written
    add_text(pos, len(source))

    n_variants = min(MAX_VARIANTS, max([s + 1 for s in chain_sizes] or [1]))
    env = SandboxedEnvironment(undefined=ChainableUndefined, autoescape=False)
    template = env.from_string("".join(out))
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
            rendered = template.render(ctx)
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
            text_parts.append(source[p.start:p.end])
            off += p.end - p.start
        variants.append(Variant("".join(text_parts), tuple(var_starts), tuple(pieces[i] for i in order)))
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
        for m in _HB_TAG.finditer(source):
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
                    raise ReadError("template-syntax", f"line {line}: {{{{/{cm.group(1)}}}}} closes a section that was never opened")
                name, oline = stack.pop()
                if name != cm.group(1):
                    raise ReadError("template-syntax", f"line {line}: {{{{/{cm.group(1)}}}}} does not match {{{{#{name}}}}} opened on line {oline}")
        if stack:
            name, oline = stack[-1]
            raise ReadError("template-syntax", f"line {oline}: section {{{{#{name}}}}} is never closed")
        if depth > 0:
            idx = source.rfind("{{")
            raise ReadError("template-syntax", f"line {line_col(starts, idx)[0]}: '{{{{' is never closed")
    elif kind == "liquid":
        lstack: list[tuple[str, int]] = []
        for m in _LIQUID_TAG.finditer(source):
            word = m.group(1)
            line = line_col(starts, m.start())[0]
            if word in _LIQUID_BLOCKS:
                lstack.append((word, line))
            elif word.startswith("end"):
                if not lstack or lstack[-1][0] != word[3:]:
                    raise ReadError("template-syntax", f"line {line}: {{% {word} %}} does not close an open block")
                lstack.pop()
        if lstack:
            word, oline = lstack[-1]
            raise ReadError("template-syntax", f"line {oline}: {{% {word} %}} is never closed")
