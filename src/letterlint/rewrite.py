"""Rewrite a cold, generic letter as a friendly, personal Jinja2 template.

The rewrite works on the letter's visible text, sentence by sentence, driven by the
linter's own findings:

1. the greeting becomes the customer's name, a department signature the sender's;
2. a sentence that threatens or blames is replaced by one calm sentence of the same kind
   (a genuine next step is stated once, hedged; bailiffs, employers and crime are
   dropped), or removed;
3. in every other sentence, stigmatising words and jargon get their plain suggestions,
   capitals become sentence case, "!!!" a full stop, and long sentences are split at a
   safe joint;
4. specifics become schema variables (amount, due date, invoice and account numbers,
   phone, email, payment link), with the values written to the context;
5. what a clear letter needs and this one lacks is added: what to do, how, by when, and
   who to talk to if paying is hard;
6. every amount, date and reference of the original is checked to still be there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .analysis import parse
from .api import check_text
from .config import SAMPLE_CONTEXT, Config
from .letter_parts import SIGN_OFF
from .model import Finding

if TYPE_CHECKING:
    from .readers import SourceText

# --------------------------------------------------------------------------- specifics

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?(?:,?\s+\d{{4}})?\b"
    rf"|\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b",
    re.I,
)
_CCY = r"(?:GBP|USD|EUR|CAD|AUD|NZD|CHF|ZAR|INR)"
_NUM = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{2})?(?!\d)|\d+(?:[.,]\d{2})?(?!\d)"
#: Amounts as letters write them: £1,234.56, $ 40, €12,00, GBP 1,234.56, 1 234,56 EUR, A$40.
AMOUNT = re.compile(rf"(?:[A-Z]{{1,2}})?[£$€¥₹]\s?(?:{_NUM})|\b{_CCY}\s?(?:{_NUM})|(?<![\w.,])(?:{_NUM})\s?{_CCY}\b")
INVOICE = re.compile(r"\b(?:INV|Inv)[-‐ ]?\d{3,}\b|(?<=\binvoice )(?:number |no\.? |#)?[A-Z]{0,4}-?\d{3,}\b", re.I)
ACCOUNT = re.compile(r"(?:(?<=account number )|(?<=account number: )|(?<=account reference: )|(?<=account no\. )|(?<=account no: )|(?<=ref: ))[A-Z0-9][A-Z0-9-]{3,}\b", re.I)
PHONE = re.compile(r"(?<![\w.])(?:\+?\d[\d ().-]{7,}\d)(?![\w])")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
URL = re.compile(r"https?://[^\s<>\"')]+[^\s<>\"').,;:!?]")

_GREETING = re.compile(r"^(?P<word>dear|hello|hi|to)\b(?P<rest>[^\n]*)$", re.I)
_TITLED = re.compile(r"^(?P<title>Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+(?P<last>[A-Z][\w'-]+)\s*[,:]?$")
_FIRST = re.compile(r"^(?P<first>[A-Z][a-z'-]+)(?:\s+(?P<last>[A-Z][\w'-]+))?\s*[,:]?$")

# --------------------------------------------------------------------------- calm replacements

#: For a threatening sentence, the calm sentence that replaces it (said once per letter),
#: or None to drop it. Written for letterlint; the facts they keep come from the letter.
CALM: dict[str, str | None] = {
    "LL301": "If we cannot agree a way forward by {date}, we may ask a court to decide. We would much rather agree a plan with you.",
    "LL313": "If we cannot agree a way forward by {date}, we may pass your account to a collection agency. We would much rather sort this out with you directly.",
    "LL305": "If we do not hear from you by {date}, we will write to you again about the next steps.",
    "LL307": "If we do not hear from you by {date}, we will write to you again about the next steps.",
    "LL303": "We report missed payments to credit reference agencies. Talking to us, or to a free debt adviser, does not on its own affect your credit file.",
    "LL304": "We still need to hear from you about your account.",
    "LL306": "Please pay {amount} by {date}, or get in touch if you cannot.",
    "LL104": "We have not heard from you about this yet, and we would like to help.",
    "LL302": None,  # bailiffs at the door: never said
    "LL308": None,  # telling employers or family: never said
    "LL309": None,  # implied crime: never said
    "LL314": None,  # intimidation: never said
}
_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}")
_COURT = re.compile(r"court|legal|proceed|solicitor|claim|\bsu(?:e|ed|ing)\b|judg|ccj|litig", re.I)
#: Which calm sentence stands for which group, so "court" is not said twice.
_GROUP = {"LL301": "next-step", "LL313": "next-step", "LL305": "next-step", "LL307": "next-step",
          "LL303": "credit", "LL304": "ask", "LL306": "cta", "LL104": "blame"}
_PRIORITY = ["LL309", "LL302", "LL308", "LL314", "LL301", "LL313", "LL307", "LL305", "LL303", "LL306", "LL304", "LL104"]
#: Jargon without a one-word swap, rewritten in context.
_NO_SUGGESTION = {
    "forthwith": "", "at your earliest convenience": "by {date}", "without prejudice": "", "the undersigned": "I",
    "whereas": "as", "in the event of": "if there is", "in the event that": "if", "time is of the essence": "",
    "save as to costs": "",
}


@dataclass(frozen=True)
class Rewrite:
    """A rewritten letter: a Jinja2 template, the context that fills it, and notes."""

    template: str
    context: dict[str, Any]
    notes: tuple[str, ...] = ()
    facts: tuple[str, ...] = field(default=())  # amounts, dates and references of the original
    #: each rewritten body line: (the original line, its rewrite as template text), for
    #: reports that show a passage before and after
    passages: tuple[tuple[str, str], ...] = field(default=())

    def render_passage(self, template_line: str) -> str:
        """One rewritten line with the letter's own values filled in."""
        from .templating import bounded_environment, render_bounded

        try:
            return render_bounded(bounded_environment(), template_line, self.context)
        except Exception:  # noqa: BLE001 - a line cut out of a template may not render alone
            return template_line

    def render(self) -> str:
        from jinja2 import StrictUndefined

        from .templating import bounded_environment, render_bounded

        # bounded: a template's own {% set %} or loops never run away (TemplateLimitError)
        env = bounded_environment(undefined=StrictUndefined, keep_trailing_newline=True)
        return render_bounded(env, self.template, self.context)


class _Vars:
    """Turns specifics into schema variables and remembers their values."""

    def __init__(self) -> None:
        self.context: dict[str, dict[str, Any]] = {}
        self.notes: list[str] = []

    def set(self, dotted: str, value: str, *, sample: bool = False) -> str:
        group, name = dotted.split(".")
        slot = self.context.setdefault(group, {})
        if name not in slot:
            slot[name] = value
            if sample:
                self.notes.append(f"{dotted} was not in the letter: the context has a sample value ({value!r}) to replace")
        return "{{ " + dotted + " }}"

    def has(self, dotted: str) -> bool:
        group, name = dotted.split(".")
        return name in self.context.get(group, {})

    def value(self, dotted: str) -> str:
        group, name = dotted.split(".")
        return str(self.context[group][name])

    def sample(self, dotted: str) -> str:
        group, name = dotted.split(".")
        return self.set(dotted, str(SAMPLE_CONTEXT[group][name]), sample=True)


def facts_of(text: str) -> list[str]:
    """Amounts, dates and references a rewrite must keep."""
    out: list[str] = []
    for rx in (AMOUNT, DATE, INVOICE, ACCOUNT):
        for m in rx.finditer(text):
            if m.group(0) not in out:
                out.append(m.group(0))
    return out


_KEEP_CAPS = ("VAT", "UK", "US", "USA", "IBAN", "FCA", "PDF", "ID", "I", "NHS", "HMRC", "EU")


def _sentence_case(s: str) -> str:
    """Capitals to sentence case; acronyms and reference prefixes (INV-2093) stay."""
    words = re.split(r"(\W+)", s)
    out, first = [], True
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        after = words[i + 2] if i + 2 < len(words) else ""
        is_ref = nxt in ("-", "/") and after[:1].isdigit()
        if w.isalpha() and w.isupper() and w not in _KEEP_CAPS and not is_ref:
            out.append(w.capitalize() if first else w.lower())
        else:
            out.append(w)
        if w.isalpha() or any(c.isdigit() for c in w):
            first = False
        elif re.search(r"[.!?]", w):
            first = True
    return "".join(out)


@lru_cache(maxsize=1)
def _exact_terms() -> frozenset[str]:
    """Every term and inflected form the default rules list (built once, not per sentence)."""
    from .api import get_linter

    rules = get_linter().all_rules
    return frozenset({phrase.lower() for r in rules for phrase, _ in r.terms} | {k.lower() for r in rules for k in r.forms})


def _apply_word_fixes(text: str, findings: list[Finding], base: int, date_var: str) -> str:
    """Apply the suggestions inside a sentence (offsets relative to ``base``).

    Display-only suggestions are used only for the exact word they were written for, so
    an inflected form never gets a base-form swap ("you are required" stays, not "you are need").
    """
    edits: list[tuple[int, int, str]] = []
    exact = _exact_terms()
    for f in findings:
        s, e = f.start - base, f.end - base
        if f.category in ("stigmatising-language", "legal-jargon"):
            if f.fix is not None and (f.fix.applicability != "display-only" or " ".join(f.text.lower().split()) in exact):
                for ed in f.fix.edits:
                    edits.append((ed.start - base, ed.end - base, ed.replacement))
            elif f.fix is None and f.suggestion and " ".join(f.text.lower().split()) in exact:
                edits.append((s, e, f.suggestion))
            else:
                key = " ".join(f.text.lower().split())
                if key in _NO_SUGGESTION:
                    rep = _NO_SUGGESTION[key].format(date=date_var)
                    if rep == "":
                        e2 = e + 1 if text[e:e + 1] == " " else e
                        s2 = s - 1 if e2 == e and s > 0 and text[s - 1] == " " else s
                        edits.append((s2, e2, ""))
                    else:
                        edits.append((s, e, rep))
        elif f.code == "LL311":
            edits.append((s, e, "."))
    edits.sort()
    out, pos = [], 0
    for s, e, r in edits:
        if s < pos or s < 0 or e > len(text):
            continue
        out.append(text[pos:s])
        out.append(r)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def _split_long(sentence: str, limit: int = 25) -> str:
    """Split at ", and" / "; " / ", but" when both halves are at least six words."""
    if len(sentence.split()) <= limit:
        return sentence
    for joint in ("; ", ", and ", ", but ", ", so ", " and we ", " and you "):
        i = sentence.find(joint)
        while i != -1:
            left, right = sentence[:i], sentence[i + len(joint):]
            if len(left.split()) >= 6 and len(right.split()) >= 6:
                right = right.strip()
                lead = {", but ": "But ", ", so ": "So ", " and we ": "We ", " and you ": "You "}.get(joint, "")
                right = lead + right if lead else right[:1].upper() + right[1:]
                return _split_long(left.rstrip(",;") + ".", limit) + " " + _split_long(right, limit)
            i = sentence.find(joint, i + 1)
    return sentence


def rewrite_text(text: str, *, kind: str = "text", config: Config | None = None, facts_text: str | None = None) -> Rewrite:
    """Rewrite a letter (text, markdown, html or eml text) as a friendly Jinja2 template.

    ``facts_text`` is where to look for the amount and due date when they are not in
    ``text`` itself (a .docx body whose amount sits in a table).
    """
    from .readers import read_text

    if kind in ("handlebars", "mustache", "liquid"):
        text = to_jinja(text)
    visible = read_text(text, "<rewrite>", kind).text if kind in ("html", "eml") else text
    visible = visible.replace("\r\n", "\n").replace("\r", "\n")
    visible = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", visible)).strip("\n") + "\n"
    original_facts = facts_of(visible)
    findings = check_text(visible, config=config)
    doc, _ = parse(visible)
    v = _Vars()
    notes: list[str] = []

    # pick the due date and main amount first: the calm sentences refer to them
    due = None
    hints = visible if facts_text is None else visible + "\n" + facts_text
    for m in DATE.finditer(hints):
        before = hints[max(0, m.start() - 12):m.start()].lower()
        if due is None or re.search(r"\b(?:by|before|due|until|on or before)\s+$", before):
            due = m.group(0)
    amounts = [m.group(0) for m in AMOUNT.finditer(hints)]
    main_amount = max(amounts, key=lambda x: (amounts.count(x), -amounts.index(x))) if amounts else None
    # the letter's own ways to pay or reply, wherever they are (often in the signature)
    for rx, dotted in ((URL, "payment.link"), (EMAIL, "company.email"), (PHONE, "company.phone")):
        for m in rx.finditer(hints):
            if rx is not PHONE or _is_phone(hints, m):
                v.set(dotted, m.group(0).strip())
                break
    date_var = v.set("invoice.due_date", due) if due else v.sample("invoice.due_date")
    amount_var = v.set("invoice.amount", main_amount) if main_amount else v.sample("invoice.amount")

    # split into lines, then sentences, keeping the letter's layout
    out_lines: list[str] = []
    said: set[str] = set()
    lines = visible.split("\n")
    sign_off_at, sign_block = _find_signature(lines)
    offset = 0
    greeting_done = False
    passages: list[tuple[str, str]] = []
    for line in lines[:sign_block]:
        start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            out_lines.append("")
            continue
        gm = _GREETING.match(stripped)
        if not greeting_done and gm and len(stripped) <= 60:
            greeting_done = True
            out_lines.append(_greeting(gm, findings, start, v))
            continue
        out_lines.append(_rewrite_line(line, start, findings, doc, v, said, date_var, amount_var))
        passages.append((line, out_lines[-1]))
    body = _variables("\n".join(out_lines).rstrip("\n"), v)
    sign_off = lines[sign_off_at].strip().rstrip(",") + "," if sign_off_at is not None else "Kind regards,"
    signature = _variables(_signature(lines[sign_block + (1 if sign_off_at is not None else 0):], v), v)

    # what a clear letter needs and this one lacks
    body = _add_missing(body, v, date_var, amount_var)
    template = body + "\n\n" + sign_off + "\n" + signature + "\n"
    template = re.sub(r"[ \t]+\n", "\n", re.sub(r"\n{3,}", "\n\n", template))
    context: dict[str, Any] = {k: dict(val) for k, val in v.context.items()}
    from jinja2.sandbox import SandboxedEnvironment

    for path in _used_paths(SandboxedEnvironment().parse(template)):
        node: dict[str, Any] = context
        parts = path.split(".")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part not in node:
                node[part] = _stand_in(path) if last else {}
                if last:  # the letter's own template fields, kept as they were
                    notes.append(f"{path} is a field of the original template; its context value is a stand-in")
            if not isinstance(node[part], dict):
                break
            node = node[part]
    rw = Rewrite(template, context, tuple(notes + v.notes), tuple(original_facts), tuple(passages))
    rendered = rw.render()
    missing = [f for f in original_facts if f not in rendered]
    if missing:
        template = template.rstrip("\n") + "\n\nFor reference: " + ", ".join(missing) + ".\n"
        rw = Rewrite(template, rw.context, rw.notes, rw.facts, rw.passages)
    return rw


_REWRITE_KIND = {"markdown": "markdown", "html": "html", "handlebars": "handlebars", "mustache": "mustache",
                 "liquid": "liquid", "jinja": "text"}


def rewrite_source(src: "SourceText", *, config: Config | None = None) -> Rewrite:
    """Rewrite a letter as `readers` read it: markup and template dialects from the source,
    everything else (.docx, .pdf, .odt, .eml, text) from its visible text."""
    kind = _REWRITE_KIND.get(src.kind, "text")
    text = src.source if kind in ("html", "handlebars", "mustache", "liquid") else src.text
    return rewrite_text(text, kind=kind, config=config)


def _stand_in(path: str) -> Any:
    """A value for a template field: the schema's sample value, else "[path]"."""
    node: Any = SAMPLE_CONTEXT
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return f"[{path}]"
        node = node[part]
    return node


def _used_paths(tree: Any) -> list[str]:
    """Dotted names a template reads (``customer.first_name``), in order of first use."""
    from jinja2 import nodes

    out: list[str] = []
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "store"}

    def dotted(n: Any) -> str | None:
        if isinstance(n, nodes.Name):
            return n.name if n.ctx == "load" and n.name not in assigned else None
        if isinstance(n, nodes.Getattr):
            base = dotted(n.node)
            return f"{base}.{n.attr}" if base else None
        return None

    for n in tree.find_all((nodes.Getattr, nodes.Name)):
        path = dotted(n)
        if path and not any(p.startswith(path + ".") for p in out) and path not in out:
            out = [p for p in out if not path.startswith(p + ".")] + [path]
    return out


def _greeting(gm: re.Match[str], findings: list[Finding], start: int, v: _Vars) -> str:
    rest = gm.group("rest").strip()
    word = gm.group("word").capitalize()
    word = "Dear" if word == "To" else word
    impersonal = any(f.code == "LL501" and start <= f.start < start + 80 for f in findings)
    if "{{" in rest or "*|" in rest or "[" in rest:
        return f"{word} {rest}"
    if not impersonal:
        t = _TITLED.match(rest)
        if t:
            return f"{word} {v.set('customer.title', t.group('title'))} {v.set('customer.last_name', t.group('last'))},"
        fm = _FIRST.match(rest)
        if fm:
            v.set("customer.first_name", fm.group("first"))
            if fm.group("last"):
                v.set("customer.last_name", fm.group("last"))
            return f"{word} {{{{ customer.first_name }}}},"
    return f"{word} {v.sample('customer.first_name')},"


def _rewrite_line(line: str, start: int, findings: list[Finding], doc: Any, v: _Vars, said: set[str],
                  date_var: str, amount_var: str) -> str:
    # sentences of this line, by the analysis' sentence starts
    end = start + len(line)
    pieces: list[str] = []
    sent_bounds = [s.start_char for s in doc.sents if start <= s.start_char < end] or [start]
    if sent_bounds[0] > start:
        sent_bounds.insert(0, start)
    sent_bounds.append(end)
    for a, b in zip(sent_bounds, sent_bounds[1:]):
        sentence = line[a - start:b - start]
        lead = sentence[: len(sentence) - len(sentence.lstrip())]
        core = sentence.strip()
        if not core:
            continue
        in_sent = [f for f in findings if a <= f.start < b]
        threats = [f for f in in_sent if f.code in CALM and f.severity in ("error", "warning")]
        if threats:
            worst = min(threats, key=lambda f: _PRIORITY.index(f.code) if f.code in _PRIORITY else 99)
            code = worst.code
            if code == "LL301" and not _COURT.search(worst.text):
                code = "LL305"  # "without further notice" is pressure, not a court case: do not invent one
            calm = CALM[code]
            group = _GROUP.get(code, code)
            tags = _TAG.findall(sentence)  # template code in the sentence stays, in its place
            head = "".join(t for t in tags if sentence.find(t) <= len(lead) + len(core) // 2)
            tail = "".join(t for t in tags if t not in head)
            if calm is None or group in said:
                if tags:
                    pieces.append(lead + head + tail)
                continue
            said.add(group)
            pieces.append(lead + head + calm.format(date=date_var, amount=amount_var) + tail)
            continue
        fixed = _apply_word_fixes(sentence, in_sent, a, date_var)
        if any(f.code == "LL310" for f in in_sent) or (fixed.isupper() and len(fixed) > 3):
            fixed = _sentence_case(fixed)
        fixed = _split_long(fixed)
        if fixed.strip():
            pieces.append(fixed)
    text = "".join(p if p.startswith((" ", "\t")) or not i else " " + p for i, p in enumerate(pieces))
    return re.sub(r"\s{2,}", " ", text).rstrip() if text.strip() else ""


def _find_signature(lines: list[str]) -> tuple[int | None, int]:
    """The sign-off line (if any) and where the signature block starts.

    Without a sign-off, a last paragraph of one to three short lines with no sentence
    punctuation ("Credit Control Department") is the signature.
    """
    for i in range(len(lines) - 1, -1, -1):
        if SIGN_OFF.match(lines[i].strip()):
            return i, i
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    if not nonblank:
        return None, len(lines)
    last = nonblank[-1]
    first = last
    while first - 1 >= 0 and lines[first - 1].strip():
        first -= 1
    block = [ln.strip() for ln in lines[first:last + 1]]
    if 1 <= len(block) <= 3 and all(len(b) < 50 and not re.search(r"[.!?]$", b) for b in block):
        return None, first
    return None, len(lines)


_DEPARTMENT = re.compile(r"\b(?:department|dept|team|unit|division|control|recoveries|collections?|billing|accounts|legal|litigation|services?)\b", re.I)


def _signature(sig_lines: list[str], v: _Vars) -> str:
    sig = [ln.strip() for ln in sig_lines if ln.strip()]
    person = sig[0] if sig else ""
    is_person = bool(re.match(r"^(?:[A-Z][a-z'-]+\.?\s){1,3}[A-Z][\w'-]+$", person)) and not _DEPARTMENT.search(person)
    out: list[str] = []
    if is_person:
        out.append(v.set("sender.name", person))
        if len(sig) > 1:
            out.append(v.set("sender.role", sig[1]))
        out.extend(sig[2:])
    else:
        out.append(v.sample("sender.name"))
        out.append(v.set("sender.role", person) if person and _DEPARTMENT.search(person) else v.sample("sender.role"))
        out.extend(sig[1:] if person and _DEPARTMENT.search(person) else sig)
    return "\n".join(out)


def _add_missing(body: str, v: _Vars, date_var: str, amount_var: str) -> str:
    probe = check_text(body + "\n", kind="jinja", config=Config(select=("call-to-action",)))
    codes = {f.code for f in probe}
    if not codes:
        return body
    extra: list[str] = []
    if "LL401" in codes or "LL403" in codes or "LL404" in codes:
        extra.append(f"Please pay {amount_var} by {date_var}.")
    if "LL401" in codes or "LL402" in codes:
        link = v.set("payment.link", v.value("payment.link")) if v.has("payment.link") else v.sample("payment.link")
        phone = v.set("company.phone", v.value("company.phone")) if v.has("company.phone") else v.sample("company.phone")
        extra.append(f"You can pay online at {link} or call us on {phone}.")
    if "LL405" in codes or "LL401" in codes:
        extra.append("If paying is hard right now, please get in touch and we will agree a plan that works for you. "
                     "If you think this is wrong, let us know and we will check it.")
    return body + "\n\n" + " ".join(extra)


def _variables(body: str, v: _Vars) -> str:
    """Replace specifics in the text (outside existing placeholders) by schema variables."""
    parts = re.split(r"(\{\{.*?\}\}|\{%.*?%\})", body)
    for i, part in enumerate(parts):
        if i % 2:
            continue
        part = _sub(URL, part, v, "payment.link")
        part = _sub(EMAIL, part, v, "company.email")
        part = _sub(INVOICE, part, v, "invoice.number")
        part = _sub(ACCOUNT, part, v, "account.number")
        part = PHONE.sub(lambda m, part=part: _sub(PHONE, m.group(0), v, "company.phone") if _is_phone(part, m) else m.group(0), part)
        part = _sub(AMOUNT, part, v, "invoice.amount")
        part = _sub(DATE, part, v, "invoice.due_date")
        parts[i] = part
    return "".join(parts)


_NOT_PHONE_BEFORE = re.compile(r"(?:account|ref(?:erence)?|number|no\.?|#|invoice|sort\s+code|iban)[\s:#.]*$", re.I)


def _is_phone(text: str, m: re.Match[str]) -> bool:
    """A phone number as letters write them: grouped with spaces or brackets, or
    international, and not labelled as an account or reference number."""
    val = m.group(0)
    if DATE.fullmatch(val) or AMOUNT.fullmatch(val):
        return False
    if not (" " in val.strip() or "(" in val or val.startswith("+")):
        return False
    return not _NOT_PHONE_BEFORE.search(text[max(0, m.start() - 30):m.start()])


def _sub(rx: re.Pattern[str], text: str, v: _Vars, dotted: str) -> str:
    """Replace occurrences of the variable's value (or, if unset, the first match) by the variable."""
    def repl(m: re.Match[str]) -> str:
        val = m.group(0)
        if not v.has(dotted):
            return v.set(dotted, val)
        return "{{ " + dotted + " }}" if v.value(dotted) == val else val

    return rx.sub(repl, text)


_HB = [
    (re.compile(r"\{\{!--.*?--\}\}|\{\{!.*?\}\}", re.S), lambda m: ""),
    (re.compile(r"\{\{\s*#\s*if\s+([\w.]+)\s*\}\}"), lambda m: "{% if " + m.group(1) + " %}"),
    (re.compile(r"\{\{\s*#\s*unless\s+([\w.]+)\s*\}\}"), lambda m: "{% if not " + m.group(1) + " %}"),
    (re.compile(r"\{\{\s*else\s*\}\}"), lambda m: "{% else %}"),
    (re.compile(r"\{\{\s*/\s*(?:if|unless)\s*\}\}"), lambda m: "{% endif %}"),
    (re.compile(r"\{\{\s*#\s*([\w.]+)\s*\}\}"), lambda m: "{% if " + m.group(1) + " %}"),
    (re.compile(r"\{\{\s*\^\s*([\w.]+)\s*\}\}"), lambda m: "{% if not " + m.group(1) + " %}"),
    (re.compile(r"\{\{\s*/\s*[\w.]+\s*\}\}"), lambda m: "{% endif %}"),
    (re.compile(r"\{\{\{?\s*([\w.]+)\s*\}?\}\}"), lambda m: "{{ " + m.group(1) + " }}"),
]


def to_jinja(text: str) -> str:
    """Simple Handlebars / Mustache (variables, if / unless / sections, else) as Jinja2."""
    for rx, repl in _HB:
        text = rx.sub(repl, text)
    return text


def rewrite_docx(data: bytes, *, config: Config | None = None) -> tuple[bytes, Rewrite]:
    """Rewrite a .docx letter into a .docx template, keeping its formatting where it can.

    The body's paragraphs are rewritten as text and aligned with the originals: an
    unchanged paragraph is kept as it was; a changed one keeps its style and its first
    run's formatting (without bold, capitals or colour, which the rewrite removes as
    shouting); new paragraphs copy the style of the one before. Headers, footers and
    tables are kept as they were. Placeholders are written as Jinja2 text
    (``{{ customer.first_name }}``), the form docxtpl fills.
    """
    import copy
    import difflib
    import io

    from docx import Document

    from .readers import read_docx

    full = read_docx(data, "<rewrite>.docx").text
    doc = Document(io.BytesIO(data))
    paras = [p for p in doc.paragraphs]
    body = "\n".join(p.text for p in paras)
    rw = rewrite_text(body, config=config, facts_text=full)
    new_lines = rw.template.rstrip("\n").split("\n")
    old_lines = [p.text for p in paras]
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)

    def set_text(p: Any, text: str) -> None:
        runs = p.runs
        if not runs:
            p.add_run(text)
            return
        runs[0].text = text
        font = runs[0].font
        runs[0].bold = None
        font.all_caps = None
        font.color.rgb = None
        for r in runs[1:]:
            r._r.getparent().remove(r._r)

    last = paras[0] if paras else None
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            last = paras[i2 - 1]
            continue
        targets = paras[i1:i2]
        lines = new_lines[j1:j2]
        for k, line in enumerate(lines):
            if k < len(targets):
                set_text(targets[k], line)
                last = targets[k]
            else:
                anchor = last._p if last is not None else None
                new_p = copy.deepcopy(anchor) if anchor is not None else None
                if new_p is None:
                    last = doc.add_paragraph(line)
                    continue
                anchor.addnext(new_p)
                from docx.text.paragraph import Paragraph

                last = Paragraph(new_p, last._parent)
                set_text(last, line)
        for extra in targets[len(lines):]:
            extra._p.getparent().remove(extra._p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue(), rw
