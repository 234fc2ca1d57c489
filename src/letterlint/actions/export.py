"""Export a Jinja2 template in the variable schema to other sending systems' syntax.

The template is parsed with Jinja2 itself and reduced to a small tree: text, variables
(optionally with ``| default('…')``) and ``{% if var %}`` / ``{% if not var %}`` /
``{% else %}`` blocks. Each dialect writes that tree in its own syntax. Anything a
dialect cannot say (a loop, an expression, a condition in a system without
conditionals) raises `ExportError` naming the construct and its line, and nothing is
written: a wrong template would be worse than none.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from letterlint.templating.jinja_names import dotted_name

DIALECTS = (
    "jinja2",
    "liquid",
    "handlebars",
    "mustache",
    "mailchimp",
    "hubspot",
    "salesforce",
    "docx",
    "html-email",
    "plain",
)


class ExportError(Exception):
    """The target cannot express a construct of the template (exit code 2)."""


@dataclass(frozen=True)
class Var:
    name: str  # dotted schema name
    default: str | None
    line: int


@dataclass(frozen=True)
class If:
    name: str
    negate: bool
    then: list[Node]
    otherwise: list[Node]
    line: int


Node = str | Var | If


# --------------------------------------------------------------------------- parsing


def parse_template(source: str) -> list[Node]:
    """The template as a list of text, `Var` and `If` nodes (the supported subset)."""
    from jinja2 import TemplateSyntaxError, nodes
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        keep_trailing_newline=True, newline_sequence="\r\n" if "\r\n" in source else "\n"
    )
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise ExportError(f"line {exc.lineno}: template syntax error: {exc.message}") from None

    dotted = dotted_name

    def expr(node: Any) -> Var:
        name = dotted(node)
        if name:
            return Var(name, None, node.lineno)
        if (
            isinstance(node, nodes.Filter)
            and node.name in ("default", "d")
            and node.node is not None
        ):
            name = dotted(node.node)
            args = node.args
            if (
                name
                and len(args) == 1
                and isinstance(args[0], nodes.Const)
                and isinstance(args[0].value, str)
                and not node.kwargs
            ):
                return Var(name, args[0].value, node.lineno)
        raise ExportError(
            f"line {node.lineno}: the expression {type(node).__name__} cannot be exported "
            "(only variables, with an optional | default('text'))"
        )

    def body(items: list[Any]) -> list[Node]:
        out: list[Node] = []
        for n in items:
            if isinstance(n, nodes.Output):
                for child in n.nodes:
                    if isinstance(child, nodes.TemplateData):
                        out.append(child.data)
                    else:
                        out.append(expr(child))
            elif isinstance(n, nodes.If):
                test, negate = n.test, False
                if isinstance(test, nodes.Not):
                    test, negate = test.node, True
                name = dotted(test)
                if not name:
                    raise ExportError(
                        f"line {n.lineno}: the condition of this {{% if %}} cannot be exported "
                        "(only {% if variable %} or {% if not variable %})"
                    )
                otherwise = body(n.else_)
                for elif_ in reversed(n.elif_):
                    inner_name = dotted(elif_.test)
                    if not inner_name:
                        raise ExportError(
                            f"line {elif_.lineno}: the condition of this {{% elif %}} "
                            "cannot be exported"
                        )
                    otherwise = [If(inner_name, False, body(elif_.body), otherwise, elif_.lineno)]
                out.append(If(name, negate, body(n.body), otherwise, n.lineno))
            else:
                kind = type(n).__name__.lower()
                raise ExportError(
                    f"line {n.lineno}: {{% {kind} %}} cannot be exported "
                    "(only variables and if/else)"
                )
        return out

    return body(tree.body)


def variables(tree: list[Node]) -> list[str]:
    """Every variable the template uses, in first-use order."""
    out: list[str] = []

    def walk(ns: list[Node]) -> None:
        for n in ns:
            if isinstance(n, Var) and n.name not in out:
                out.append(n.name)
            elif isinstance(n, If):
                if n.name not in out:
                    out.append(n.name)
                walk(n.then)
                walk(n.otherwise)

    walk(tree)
    return out


# --------------------------------------------------------------------------- names


def _mailchimp(name: str) -> str:
    special = {
        "customer.first_name": "FNAME",
        "customer.last_name": "LNAME",
        "customer.email": "EMAIL",
    }
    return special.get(name, re.sub(r"[^A-Z0-9_]", "_", name.upper()))


def _hubspot(name: str) -> str:
    special = {
        "customer.first_name": "contact.firstname",
        "customer.last_name": "contact.lastname",
        "customer.full_name": "contact.full_name",
        "company.name": "site_settings.company_name",
    }
    return special.get(name, "contact." + name.replace(".", "_"))


def _salesforce(name: str) -> str:
    special = {
        "customer.first_name": "Contact.FirstName",
        "customer.last_name": "Contact.LastName",
        "customer.title": "Contact.Salutation",
        "customer.full_name": "Contact.Name",
        "account.number": "Account.AccountNumber",
        "company.name": "Organization.Name",
        "sender.name": "User.Name",
        "sender.role": "User.Title",
    }
    if name in special:
        return special[name]
    group, _, field_ = name.partition(".")
    return f"Contact.{''.join(p.capitalize() for p in (group + '_' + field_).split('_'))}__c"


def _flat(name: str) -> str:
    return name.replace(".", "_")


#: A dialect's default field names for the schema (a --map file overrides them).
#: Handlebars and Mustache values use triple braces, so a plain-text letter is not
#: HTML-escaped; ``html-email`` escapes the letter's own text and leaves the values to
#: the sending system. Jinja2's ``default`` applies when a value is missing, the others'
#: defaults also when it is empty.
DEFAULT_NAMES: dict[str, Callable[[str], str]] = {
    "jinja2": lambda n: n,
    "liquid": lambda n: n,
    "handlebars": lambda n: n,
    "mustache": lambda n: n,
    "html-email": lambda n: n,
    "mailchimp": _mailchimp,
    "hubspot": _hubspot,
    "salesforce": _salesforce,
    "docx": _flat,
    "plain": _flat,
}


# --------------------------------------------------------------------------- writers


def _q(s: str, quote: str = "'") -> str:
    return s.replace("\\", "\\\\").replace(quote, "\\" + quote)


@dataclass
class _Writer:
    name: Callable[[str], str]
    dialect: str
    parts: list[str] = field(default_factory=list)

    def text(self, s: str) -> str:
        return s

    def write(self, tree: list[Node]) -> str:
        return "".join(self.node(n) for n in tree)

    def node(self, n: Node) -> str:
        if isinstance(n, str):
            return self.text(n)
        if isinstance(n, Var):
            return self.var(n)
        return self.cond(n)

    def var(self, v: Var) -> str:
        raise NotImplementedError

    def cond(self, c: If) -> str:
        raise ExportError(
            f"line {c.line}: {{% if {c.name} %}} cannot be expressed in {self.dialect}, "
            "which has no conditionals"
        )


class _Jinja(_Writer):
    def text(self, s: str) -> str:
        return s if not re.search(r"\{[{%#]", s) else "{% raw %}" + s + "{% endraw %}"

    def var(self, v: Var) -> str:
        n = self.name(v.name)
        return (
            f"{{{{ {n} | default('{_q(v.default)}') }}}}"
            if v.default is not None
            else f"{{{{ {n} }}}}"
        )

    def cond(self, c: If) -> str:
        out = f"{{% if {'not ' if c.negate else ''}{self.name(c.name)} %}}" + self.write(c.then)
        if c.otherwise:
            out += "{% else %}" + self.write(c.otherwise)
        return out + "{% endif %}"


class _Liquid(_Writer):
    def text(self, s: str) -> str:
        return s if not re.search(r"\{[{%]", s) else "{% raw %}" + s + "{% endraw %}"

    def var(self, v: Var) -> str:
        n = self.name(v.name)
        if v.default is None:
            return f"{{{{ {n} }}}}"
        if "'" not in v.default:
            return f"{{{{ {n} | default: '{v.default}' }}}}"
        if '"' not in v.default:
            return f'{{{{ {n} | default: "{v.default}" }}}}'
        raise ExportError(
            f"line {v.line}: a Liquid string cannot hold both quote marks: {v.default!r}"
        )

    def cond(self, c: If) -> str:
        # in Liquid an empty string is true; comparing with `blank` matches Jinja2's test
        test = f"{self.name(c.name)} {'==' if c.negate else '!='} blank"
        out = f"{{% if {test} %}}" + self.write(c.then)
        if c.otherwise:
            out += "{% else %}" + self.write(c.otherwise)
        return out + "{% endif %}"


class _Handlebars(_Writer):
    def text(self, s: str) -> str:
        return s.replace("{{", "\\{{")

    def var(self, v: Var) -> str:
        # triple braces: a letter is text, so values are not HTML-escaped (html-email is)
        n = self.name(v.name)
        if v.default is None:
            return f"{{{{{{{n}}}}}}}"
        return f"{{{{#if {n}}}}}{{{{{{{n}}}}}}}{{{{else}}}}{self.text(v.default)}{{{{/if}}}}"

    def cond(self, c: If) -> str:
        tag = "unless" if c.negate else "if"
        out = f"{{{{#{tag} {self.name(c.name)}}}}}" + self.write(c.then)
        if c.otherwise:
            out += "{{else}}" + self.write(c.otherwise)
        return out + f"{{{{/{tag}}}}}"


class _Mustache(_Writer):
    def text(self, s: str) -> str:
        if "{{" in s:
            raise ExportError(
                "text containing '{{' cannot be written in Mustache without changing delimiters"
            )
        return s

    def var(self, v: Var) -> str:
        n = self.name(v.name)
        if v.default is None:
            return f"{{{{{{{n}}}}}}}"
        return f"{{{{#{n}}}}}{{{{{{{n}}}}}}}{{{{/{n}}}}}{{{{^{n}}}}}{v.default}{{{{/{n}}}}}"

    def cond(self, c: If) -> str:
        n = self.name(c.name)
        yes, no = ("^", "#") if c.negate else ("#", "^")
        out = f"{{{{{yes}{n}}}}}" + self.write(c.then) + f"{{{{/{n}}}}}"
        if c.otherwise:
            out += f"{{{{{no}{n}}}}}" + self.write(c.otherwise) + f"{{{{/{n}}}}}"
        return out


class _Mailchimp(_Writer):
    def text(self, s: str) -> str:
        if "*|" in s:
            raise ExportError("text containing '*|' would be read as a Mailchimp merge tag")
        return s

    def var(self, v: Var) -> str:
        n = self.name(v.name)
        if v.default is None:
            return f"*|{n}|*"
        return f"*|IF:{n}|**|{n}|**|ELSE:|*{v.default}*|END:IF|*"

    def cond(self, c: If) -> str:
        n = self.name(c.name)
        out = f"*|{'IFNOT' if c.negate else 'IF'}:{n}|*" + self.write(c.then)
        if c.otherwise:
            out += "*|ELSE:|*" + self.write(c.otherwise)
        return out + "*|END:IF|*"


class _HubSpot(_Jinja):
    """HubL: Jinja-like; filters on personalisation tokens do not run in emails, so
    defaults are written as if/else."""

    def var(self, v: Var) -> str:
        n = self.name(v.name)
        if v.default is None:
            return f"{{{{ {n} }}}}"
        return f"{{% if {n} %}}{{{{ {n} }}}}{{% else %}}{self.text(v.default)}{{% endif %}}"


class _Salesforce(_Writer):
    def text(self, s: str) -> str:
        if "{!" in s:
            raise ExportError("text containing '{!' would be read as a Salesforce merge field")
        return s

    def var(self, v: Var) -> str:
        n = self.name(v.name)
        if v.default is None:
            return f"{{!{n}}}"
        return f'{{!BLANKVALUE({n}, "{_q(v.default, chr(34))}")}}'

    def cond(self, c: If) -> str:
        raise ExportError(
            f"line {c.line}: {{% if {c.name} %}} cannot be expressed in Salesforce classic merge "
            "fields (they have no conditional blocks); write one template per case"
        )


class _Plain(_Writer):
    def text(self, s: str) -> str:
        return s.replace("{", "{{").replace("}", "}}")

    def var(self, v: Var) -> str:
        if v.default is not None:
            raise ExportError(
                f"line {v.line}: the default of {v.name} cannot be expressed in plain "
                "{name} fields"
            )
        return "{" + self.name(v.name) + "}"


def export_template(
    source: str, dialect: str, *, mapping: dict[str, str] | None = None
) -> str | bytes:
    """Export a Jinja2 template to ``dialect``; .docx output is returned as bytes.

    A template nested too deeply to parse (thousands of unclosed ``{{``) raises
    `ExportError` like any other template that cannot be exported, never RecursionError.
    """
    try:
        return _export_template(source, dialect, mapping)
    except (RecursionError, MemoryError):
        raise ExportError(
            "the template nests too deeply to be exported (unclosed brackets or blocks?)"
        ) from None


def _export_template(source: str, dialect: str, mapping: dict[str, str] | None) -> str | bytes:
    if dialect not in DIALECTS:
        raise ExportError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    tree = parse_template(source)
    default = DEFAULT_NAMES[dialect]
    mapping = dict(mapping or {})
    unknown = [k for k in mapping if k not in variables(tree)]
    if unknown:
        raise ExportError(f"the mapping renames {unknown[0]!r}, which the template does not use")

    def name(n: str) -> str:
        return mapping.get(n, default(n))

    if dialect == "docx":
        return _docx(tree, name)
    if dialect == "html-email":
        return _html_email(tree, name)
    writer: _Writer = {
        "jinja2": _Jinja,
        "liquid": _Liquid,
        "handlebars": _Handlebars,
        "mustache": _Mustache,
        "mailchimp": _Mailchimp,
        "hubspot": _HubSpot,
        "salesforce": _Salesforce,
        "plain": _Plain,
    }[dialect](name, dialect)
    return writer.write(tree)


def _html_email(tree: list[Node], name: Callable[[str], str]) -> str:
    """An inline-styled HTML body: the text escaped, paragraphs as <p>, placeholders Jinja2."""

    class _HtmlText(_Jinja):
        def text(self, s: str) -> str:
            return html.escape(s, quote=False)

    body = _HtmlText(name, "html-email").write(tree)
    paras = [p.strip("\n") for p in re.split(r"\n\s*\n", body) if p.strip()]
    style = (
        "margin:0 0 1em 0;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;"
        "color:#1a1a1a"
    )
    inner = "\n".join(f'<p style="{style}">' + p.replace("\n", "<br>\n") + "</p>" for p in paras)
    return '<div style="max-width:640px;margin:0 auto;padding:16px">\n' + inner + "\n</div>\n"


def _docx(tree: list[Node], name: Callable[[str], str]) -> bytes:
    """Word mail merge: one paragraph per line, each variable a real MERGEFIELD.

    A default becomes ``{ IF "{ MERGEFIELD x }" = "" "default" "{ MERGEFIELD x }" }`` and
    a condition ``{ IF "{ MERGEFIELD x }" <> "" "then" "else" }``, the IF fields Word and
    LibreOffice evaluate during a merge. A condition whose text spans paragraphs cannot be
    one IF field and stops the export.
    """
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    state = {"para": doc.add_paragraph()}

    def run_with(el: Any) -> None:
        r = state["para"].add_run()
        r._r.append(el)

    def fld(kind: str) -> None:
        e = OxmlElement("w:fldChar")
        e.set(qn("w:fldCharType"), kind)
        run_with(e)

    def instr(text: str) -> None:
        it = OxmlElement("w:instrText")
        it.set(qn("xml:space"), "preserve")
        it.text = text
        run_with(it)

    def mergefield(fname: str, result: bool = True) -> None:
        fld("begin")
        instr(f" MERGEFIELD {fname} \\* MERGEFORMAT ")
        fld("separate")
        state["para"].add_run(f"«{fname}»")
        fld("end")

    def field_text(nodes_: list[Node], line: int) -> None:
        """Text and variables inside an IF field's quoted branch."""
        for n in nodes_:
            if isinstance(n, str):
                if "\n" in n:
                    raise ExportError(
                        f"line {line}: this condition spans several paragraphs, which one Word IF "
                        "field cannot hold; keep each branch on one line"
                    )
                instr(n.replace("\\", "\\\\").replace('"', '\\"'))
            elif isinstance(n, Var):
                if n.default is not None:
                    raise ExportError(
                        f"line {n.line}: a default inside a condition cannot be exported to Word"
                    )
                mergefield(name(n.name))
            else:
                raise ExportError(
                    f"line {n.line}: a condition inside a condition cannot be exported to Word"
                )

    def if_field(var: str, op: str, then: list[Node], otherwise: list[Node], line: int) -> None:
        fld("begin")
        instr(' IF "')
        mergefield(name(var))
        instr(f'" {op} "" "')
        field_text(then, line)
        instr('" "')
        field_text(otherwise, line)
        instr('" ')
        fld("separate")
        state["para"].add_run(f"«{name(var)}»")
        fld("end")

    for n in tree:
        if isinstance(n, Var):
            if n.default is None:
                mergefield(name(n.name))
            else:
                if_field(n.name, "=", [n.default], [Var(n.name, None, n.line)], n.line)
            continue
        if isinstance(n, If):
            if n.negate:
                if_field(n.name, "=", n.then, n.otherwise, n.line)
            else:
                if_field(n.name, "<>", n.then, n.otherwise, n.line)
            continue
        n = re.sub(r"[\f\v]", "\n", n)
        n = re.sub(r"[\x00-\x08\x0e-\x1f]", "", n)  # not allowed in XML
        for k, line in enumerate(n.split("\n")):
            if k > 0:
                state["para"] = doc.add_paragraph()
            if line:
                state["para"].add_run(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
