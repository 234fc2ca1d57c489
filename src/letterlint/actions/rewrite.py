"""Rewrite a letter as a friendlier one, in its own format, driven by the linter's findings.

The rewrite never works from rule codes or phrase lists: it reads each finding's category,
severity, span, suggestion and fix, so whatever the rules find is rewritten.

1. Every finding in a tone category (threatening-tone, stigmatising-language, legal-jargon)
   that carries a fix or an exact suggestion gets it; one at warning or error without one
   has its sentence replaced by one calm sentence on the same topic (said once per letter;
   bailiffs, employers and crime are never said), and a sentence that pointed back at it
   ("This course of action ...") goes with it.
2. Every edit is widened to its sentence and tidied (`tidy`): case follows the position,
   no leading comma, no doubled word; a long sentence is split only where both halves
   stand as sentences.
3. Placeholders and template code (any syntax `check` reads), reference codes, links,
   e-mail addresses, phone numbers, amounts and dates are never edited; in a Jinja-ready
   letter the specifics become schema variables with their exact value in the context.
   A `letterlint: off` region and prescribed wording (the FDCPA statements, the
   validation notice) are kept verbatim.
4. The edits are made on the text the linter read and mapped back through the reader's
   offset map, so HTML keeps its markup and links, Markdown its syntax, an e-mail its
   headers and MIME parts, a template its own syntax.
5. Only what is missing is added, in the letter's own terms (its amount and currency, its
   deadline, its payment route, its placeholder syntax); a letter that offers help gets no
   second offer, and a letter without tone problems gets no help boilerplate.
6. The result is linted again: what could not be rewritten is listed (`unrewritten`) and
   the score is the re-lint's.
"""

from __future__ import annotations

import html as _html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from letterlint.actions.fixes import apply_edits, fix_text
from letterlint.actions.tidy import tidy_edits
from letterlint.batch.checking import check_text, get_linter, lint_letter_text
from letterlint.core.config import SAMPLE_CONTEXT, Config
from letterlint.core.model import Edit, Finding
from letterlint.language.analysis import parse
from letterlint.language.facts import (
    ACCOUNT,
    AMOUNT,
    DATE,
    DATE_FIELD_PATTERN,
    EMAIL,
    INVOICE,
    PHONE,
    URL,
    fact_spans,
    facts_of,
    is_phone,
)
from letterlint.language.letter_parts import GREETING_WORDS, SIGN_OFF
from letterlint.reading.readers import ReadError, read_docx, read_text
from letterlint.rulebook.selection import parse_suppressions
from letterlint.templating.jinja_names import dotted_name
from letterlint.templating.placeholders import (
    CAPS_SLOT,
    bounded_environment,
    find_placeholders,
    mask,
    render_bounded,
)

if TYPE_CHECKING:
    from letterlint.core.spans import OffsetMap
    from letterlint.engine.linter import LintedLetter, Linter
    from letterlint.language.analysis import Analysis
    from letterlint.reading.readers import SourceText

__all__ = [
    "AMOUNT",
    "DATE",
    "EMAIL",
    "PHONE",
    "URL",
    "Rewrite",
    "facts_of",
    "rewrite_docx",
    "rewrite_source",
    "rewrite_text",
    "to_jinja",
]

#: Categories whose wording the rewrite changes, and the severities it must deal with.
TONE = ("threatening-tone", "stigmatising-language", "legal-jargon")
SERIOUS = ("error", "warning")

#: A greeting line to personalise: its greeting words (letter_parts' list, and "To" before a
#: name) and the rest of the line.
_GREETING = re.compile(rf"^(?P<word>{GREETING_WORDS}|to)\b(?P<rest>[^\n]*)$", re.I)
_TITLED = re.compile(r"^(?P<title>Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+(?P<last>[A-Z][\w'-]+)\s*[,:]?$")
_FIRST = re.compile(r"^(?P<first>[A-Z][a-z'-]+)(?:\s+(?P<last>[A-Z][\w'-]+))?\s*[,:]?$")

# --------------------------------------------------------------------------- calm replacements

#: Topics of a threat, recognised in the finding's rule name and matched text, and the calm
#: sentence that replaces it (None: never said), the gravest consequence first: a sentence that
#: presses and names a consequence gets the consequence. Written for letterlint.
#: The offer of help the cost line ends with (left out where the letter offers help).
_HELP_LINE = "Please get in touch if paying is hard."
_TOPICS: list[tuple[str, re.Pattern[str], str | None]] = [
    (
        "never",
        re.compile(
            r"bailiff|enforcement|seiz|repossess|crim|police|arrest|prison|jail|fraud|employer|family|"
            r"neighbo|disclos|publi|intimidat|know where|hide|third-party",
            re.I,
        ),
        None,
    ),
    (
        "court",
        re.compile(
            r"court|legal|proceed|solicitor|attorney|lawyer|law firm|claim|\bsu(?:e|ed|ing)\b|judg|"
            r"\bccj\b|litig|lawsuit",
            re.I,
        ),
        "If we cannot agree a way forward{by}, we may ask a court to decide. "
        "We would much rather agree a plan with you.",
    ),
    (
        "agency",
        re.compile(
            r"agency|collector|debt buyer|collections?\b|referr?al|"
            r"pass(?:ed)? (?:your|the) account",
            re.I,
        ),
        "If we cannot agree a way forward{by}, we may pass your account to a collection agency. "
        "We would much rather sort this out with you directly.",
    ),
    (
        "credit",
        re.compile(r"credit", re.I),
        "Missed payments may be reported to credit reference agencies; talking to us about a plan "
        "does not on its own affect your credit file.",
    ),
    (
        "supply",  # a household's energy, water or phone line: said as it is, not as a "pause"
        re.compile(
            r"disconnect|\b(?:shut|cut|switch(?:ed)?) off\b[^.]{0,20}\b(?:supply|gas|electric|"
            r"water|power|line)|\b(?:supply|gas|electricity|water|power|line)\b[^.]{0,30}\b"
            r"(?:shut|cut|switched) off\b",
            re.I,
        ),
        "If we do not hear from you{by}, we may have to disconnect your supply. "
        "We would much rather keep you connected.",
    ),
    (
        "service",
        re.compile(
            r"suspen|disconnect|terminat|cancel|downgrad|\bcut off|switch(?:ed)? off|"
            r"\bclos(?:e|ed|ure)\b|\bdelet|\bpaus|\block(?:ed)? out|\blos[et] (?:your )?access|"
            r"\bloss of (?:access|service)|loss-of-service",
            re.I,
        ),
        "If {what} is not paid{by}, we may have to pause your service. "
        "We would much rather keep it running.",
    ),
    (
        "costs",
        re.compile(r"\bfees?\b|\bcharges?\b|\binterest\b|\bcosts?\b|penalt|compensation", re.I),
        "If {what} is not paid{by}, any interest or charges that apply may be added. " + _HELP_LINE,
    ),
    (
        "pressure",
        re.compile(
            r"immediate|urgent|at once|right away|straight away|\bnow\b|"
            r"within \d+ (?:hours?|days?)|pressure|deadline",
            re.I,
        ),
        "Please pay {what}{by}, or get in touch if you cannot.",
    ),
]
_NEXT_STEP = "If we do not hear from you{by}, we will write to you again about the next steps."
_BLAME = "We would like to help you sort this out."
#: A sentence that points back at the one before it ("This course of action ...").
_BACK_REFERENCE = re.compile(
    r"^\W*(?:this|that|these|those|such|doing so|in (?:that|this|which) case|if this happens|"
    r"should this|it will|this will|which|otherwise|after (?:that|this)|at that (?:point|stage)|"
    r"from then on|when (?:this|that) happens|"
    r"once (?:sold|transferred|passed on|referred|assigned|this|that|it (?:is|has))|"
    r"if (?:you (?:allow|let|permit) )?(?:this|that|it) (?:to )?happens?)\b",
    re.I,
)
#: Wording kept verbatim without a compliance pack: the FDCPA disclosures and validation-notice
#: statements (15 U.S.C. 1692e(11), 1692g(a)), and the CCA default-notice statement. With a
#: pack on, its `prescribed` rules mark more (`FileResult.prescribed`). The court-written
#: safe-harbour paragraph for a suit threatened in the validation period ("resolve this matter
#: without a lawsuit ... if you do neither of these things", Bartlett v. Heibl, 7th Cir. 1997) is
#: not among them: it shields a collector who threatens suit, and a rewrite that threatens none
#: needs no shield, so its threats are rewritten and its ask to pay or call is kept.
#: The words that show a US validation notice: the right to dispute and to verification.
_DISPUTE_RIGHTS = (
    r"\bdispute (?:the validity of |all or part of )?(?:this|the) debt|verification of the debt|"
    r"validation notice"
)
_REQUIRED = re.compile(
    r"communication is from a debt collector|attempt to collect a debt|"
    r"information obtained will be used for that purpose|"
    rf"{_DISPUTE_RIGHTS}|"
    r"within (?:thirty|30) days after (?:you )?receiv|name and address of the original creditor|"
    r"we (?:must|will) (?:assume|stop collection)|call or write to us by|"
    r"served under section 87\s?\(1\)",
    re.I,
)
#: A sentence that threatens suit: inside a validation notice's paragraph, one that says none of
#: the notice's own statements is not part of the notice ("The law does not require us to wait
#: until the end of the thirty-day period before suing you"), so it is rewritten like any threat.
_SUIT = re.compile(r"\b(?:su(?:e|es|ed|ing)|lawsuits?|litigation|legal action|court)\b", re.I)
#: Of those, the statements kept as their sentence (the rest keep their paragraph): the
#: FDCPA disclosures, and the UK default notice's statement that it is served under section
#: 87(1) of the Consumer Credit Act 1974 (SI 1983/1561 reg 2(2)(a); rule LL748 of `uk-fca`).
_STATEMENT = re.compile(
    r"debt collector|attempt to collect|information obtained|served under section 87", re.I
)
#: A UK default notice (served under s.87(1) of the Consumer Credit Act 1974), and the lines
#: of its prescribed form (SI 1983/1561, Schedule 2): its heading, "Important - you should read
#: this carefully", the two statements of what happens if the action required by the notice is
#: or is not taken, and the further action it states (the consequences s.88(4) requires). A rewrite
#: that softened them would leave a notice the creditor cannot rely on.
_DEFAULT_NOTICE = re.compile(r"served under section 87\s?\(1\)", re.I)
_DEFAULT_NOTICE_FORM = re.compile(
    r"^[ \t]*default notice[ \t]*$|you should read this carefully|action required by this notice|"
    r"if you are not sure what to do|^[ \t]*further action\s*:",
    re.I | re.M,
)
#: The statements of a default notice in the form used before 2 December 2020: in block
#: capitals, or with "enforcement action", both of which SI 2020/1248 took out of the form.
_OLD_NOTICE_FORM = re.compile(
    r"ACTION REQUIRED BY THIS NOTICE|YOU SHOULD READ THIS CAREFULLY|"
    r"(?i:further enforcement action)"
)
_OLD_NOTICE_NOTE = (
    "this default notice follows the form used before 2 December 2020: its statements are kept "
    "word for word, and their capitals are put in sentence case (since SI 2020/1248 only bold "
    "print or underlining may make them stand out); check the wording against the current "
    "Schedule 2 of SI 1983/1561, which that amendment changed"
)
#: Jargon without a plain one-word swap, rewritten in context (fallback when a finding has none).
_NO_SUGGESTION = {
    "forthwith": "",
    "at your earliest convenience": "{by_or_soon}",
    "without prejudice": "",
    "the undersigned": "I",
    "whereas": "as",
    "in the event of": "if there is",
    "in the event that": "if",
    "time is of the essence": "",
    "save as to costs": "",
    "please be advised": "",
    "be advised": "",
    "in default of": "not keeping to",
}
#: Ways to pay that are not a link, phone or e-mail (a giro slip, a cheque, a transfer).
_OWN_ROUTE = re.compile(
    r"\b(?:giro|cheque|check payable|bank transfer|sort code|iban|direct debit|standing order|"
    r"(?:enclosed|reply|return|self-addressed|prepaid|stamped) (?:\w+ )?envelope|"
    r"post office|payment slip|remittance|pay(?:ment)? (?:online|portal|page)|log(?:ging)? ?in|"
    r"(?:customer|client|online|payment|billing) portal|"
    r"make a payment|pay now|bank details|bank account|account number|"
    # a route the letter gives elsewhere: its letterhead, a slot for its contact details
    r"contact details|(?:above|below) (?:phone|telephone|number|address|e-?mail)|"
    r"(?:phone |telephone )?number (?:above|below|overleaf)|address (?:shown )?(?:above|below)|"
    # the payment details printed on the invoice or statement it points to
    r"(?:see|on|in|using|listed on) (?:your|the|our|each|attached) (?:attached )?"
    r"(?:invoices?|statements?|bills?))\b",
    re.I,
)
#: The letter already asks the reader to do something (the linter may not have seen it).
_ASKS = re.compile(
    r"\b(?:please|kindly),?\s+(?!be advised|note|disregard|ignore)\w+|"
    r"\bwe (?:would|will|should) (?:be grateful|appreciate it|be obliged) if you "
    r"(?:would|could|can) "
    r"(?:pay|settle|send|call|ring|contact|get in touch|arrange|make)\b|"
    r"\b(?:we|I) (?:are |am )?(?:ask|asking|request|requesting) (?:that )?you (?:to )?"
    r"(?:pay|settle|send|call|ring|contact|get in touch|arrange|make)\b|"
    r"\byou (?:must|need to|have to|are (?:now |hereby )*required to|should) "
    r"(?:now |immediately )?(?:pay|remit|settle|make (?:a |the )?payment)\b|"
    r"\bpayment of\b(?:[^.!?]|\.(?=\d)){0,60}\b(?:must|should|is to|needs to) be "
    r"(?:made|paid|received)\b",
    re.I,
)  # the letter asks already, in any of the polite grammars or as an order ("you must pay")
#: "You must", said as an order ("you have to", "you are required to").
_YOU_MUST = r"you (?:must|need to|have to|are required to)"
#: An order to pay that opens a sentence ("PAY NOW or ...", "You must pay today or ..."): an
#: ask, however it is said, so a threat that goes keeps it as "Please pay ...".
_PAY_ORDER = re.compile(rf"^\W*(?:{_YOU_MUST} )?(?:pay|settle)\b", re.I)
#: An order to pay that says nothing else ("Payment must be made.", "You must pay in full."):
#: once its pressure ("forthwith") is cut, it only repeats an ask the letter makes already.
_BARE_ORDER = re.compile(
    r"^\W*(?:(?:(?:full |the )?payment|the (?:full )?(?:balance|amount|sum|debt)"
    r"(?: due| owed| outstanding)?|(?:this|your) (?:balance|amount|sum|invoice|account|bill)) "
    r"(?:must|should|is to|needs to|has to) be (?:made|paid|settled|received|cleared)"
    rf"(?: in full)?|{_YOU_MUST} (?:pay|settle)"
    r"(?: (?:it|this|the (?:balance|amount|sum)))?(?: in full)?)\W*$",
    re.I,
)
#: An order that opens a sentence ("You are hereby required to remit ...", "You must now
#: contact ..."): the same ask, said as a request, is "Please pay ...", "Please contact ...".
_DEMAND_ORDER = re.compile(
    r"^\W*(you (?:are (?:now |hereby )*required to|must(?: now)?|have to|need to) "
    r"(?:(?:now|hereby|immediately) )?)(?=(?:pay|remit|settle|contact|call|telephone|send|"
    r"make|arrange)\b)",
    re.I,
)
_POINTER = (
    r"(?:the|this|that|such|these|those|any|further) (?:course of action|action|steps?|measures?)"
)
#: "(in order) to avoid the course of action outlined here" at a sentence's end.
_PURPOSE_POINTER = re.compile(
    rf",?\s*(?:in order )?to (?:avoid|prevent) {_POINTER}[^.!?]*(?=[.!?]?\s*$)", re.I
)
#: "I trust that such action will not be necessary(, and)" or "We are sorry to have to take this
#: action(, but)" as a sentence's main clause.
_POINTER_CLAUSE = re.compile(
    rf"^(?:(?:I|we) (?:trust|hope)(?: that)? {_POINTER} (?:will|would|may)(?: not)? "
    rf"(?:be|prove) (?:un)?necessary"
    rf"|(?:I|we) (?:am |are )?(?:sorry|regret)(?: that we(?: have| had)?| to have| having)?"
    rf" to take "
    rf"{_POINTER})(?:,? (?:and|but)\b|[.!?]?$)",
    re.I,
)
#: A sentence that opens by naming the step it points back at ("This course of action ...").
_POINTER_START = re.compile(rf"^\W*{_POINTER}\b", re.I)
#: "To stop this from happening, please pay" opens with a pointer at a threat that went.
_POINTER_OPENER = re.compile(
    r"^\W*(?:in order )?to (?:stop|avoid|prevent|halt) (?:this (?:process|action|step|outcome)|"
    r"this|that|it|these things)"
    r"(?: (?:from )?happening)?\s*,?\s+(?=\w)",
    re.I,
)
_OR_CLAUSE = re.compile(
    r" (?:or|otherwise|or else)(?=,? (?:we|you|i|our|your|the|legal|court|this|they|it)\b)", re.I
)
#: A question that asks the reader for an excuse for not paying, with what is unpaid.
_ACCUSING_QUESTION = re.compile(
    r"^\W*(?P<ask>(?:is there (?:some|a particular|any) reason (?:why |that )?you "
    r"(?:have not|haven[’']t|did not|didn[’']t)|why (?:have you (?:still )?not|haven[’']t you"
    r"(?: yet)?|did you not|didn[’']t you)) (?:paid|settled|pay|settle) )"
    r"(?P<obj>(?:our|your|the|this|invoice)\b[^?]*?)\s*(?P<q>\?)\s*$",
    re.I,
)
_NOT_RECEIVED = "We have not yet received payment for "
#: " and" that joins a clause with its own subject ("... expired in May and you have not paid").
_AND_CLAUSE = re.compile(r" and(?= (?:you|we|i|they|it|this|your|our)\b)", re.I)
_SUBORDINATE = re.compile(
    r"^\W*(?:if|unless|when|whenever|should|because|although|though|while|as|once|until|"
    r"before|after|since|whether)\b",
    re.I,
)
#: A phrase that opens a sentence to say on what grounds ("Under clause 9.3 of our terms,",
#: "In line with our policy,"): cut from its main clause, it is no sentence.
_INTRO_PHRASE = re.compile(
    r"^\W*(?:pursuant to|under|in (?:accordance|line) with|according to|as per|per|further to|"
    r"following|despite|notwithstanding|in (?:view|light) of|due to|owing to|in respect of|"
    r"with regard to|regarding|in relation to|by virtue of|subject to|in the event of|absent|"
    r"in the absence of|failing)\b",
    re.I,
)
#: A reservation of rights ("all rights are reserved", "without prejudice").
_RESERVATION = re.compile(r"reserv|waive|without prejudice|at law or in equity", re.I)
#: What follows a cut and still belongs to the clause that went ("..., or a proposal is made").
_CONTINUES = re.compile(r"[,;]?\s*(?:or|nor|unless|than)\b", re.I)
#: A subordinate clause that opens a sentence, or a "that"-clause ("This is to say that if ...").
_OPENS_CLAUSE = re.compile(
    r"^\W*(?:\w+\W+){0,12}?that,?\s+"
    r"(?=(?:if|unless|when|once|until|should|as|because|since|although|while)\b)",
    re.I,
)
#: A paragraph that only closes the letter politely.
_COURTESY = re.compile(
    r"^\s*(?:thank you|thanks|many thanks|we (?:look forward|appreciate)|i look forward)"
    r"[^.!?\n]*[.!]\s*$",
    re.I,
)
#: A hand-over that has happened ("this account has been referred to ...", "is now with our
#: agency"): the reader needs to know it and who has the account now.
_DONE_HANDOVER = re.compile(
    r"\b(?:has|have|had)\s+(?:now\s+|already\s+)?been\s+(?:referred|passed|handed|transferred|"
    r"assigned|sold|placed)\b|\b(?:is|are)\s+now\s+(?:with|being\s+handled\s+by)\b",
    re.I,
)
#: A label before the sentence proper ("Please note: If ...", "Important: unless ...").
_LABEL_LEAD = re.compile(r"^\W*(?:please )?(?:note|nb|important|reminder|ps)\s*:\s*", re.I)
#: A comma that closes a subordinate clause: what follows is not one more condition
#: (", or you do not ..." still belongs to "Unless ...").
_MAIN_AFTER = re.compile(r"[,;]\s+(?!(?:or|and|nor|but)\b)\w")


def _dangling(rest: str) -> bool:
    """A sentence left as a condition without its main clause: "Unless we hear from you
    by Friday, or you miss a payment." or "This is notice that if we do not hear from you."
    """
    lead = _OPENS_CLAUSE.match(rest) or _LABEL_LEAD.match(rest)
    body = rest[lead.end() :] if lead else rest
    if not (_SUBORDINATE.match(body) or _INTRO_PHRASE.match(body)):
        return False
    return _MAIN_AFTER.search(body) is None


#: Pressure said by one adverb inside a clause, which can go and leave the clause whole.
_PRESSURE_ADVERBS = frozenset(
    {"immediately", "urgently", "at once", "right away", "straight away", "promptly", "forthwith"}
)
_TIME_ADVERBIAL = re.compile(
    r"(?:\w+ly|now|today|tomorrow|at once|right away|straight away|asap|forthwith|"
    r"without (?:further )?delay|by return)\W*$",
    re.I,
)
_CURRENCY_SIGNS = frozenset("£$€¥₹₱")
#: A merge field holding the balance (narrower than what LL404 counts as stating an amount:
#: a "late_fee" or "price" field is a sum, but not the one to pay).
_AMOUNT_NAME = re.compile(r"amount|total|balance|sum|owed|due_?amount", re.I)
_DATE_NAME = re.compile(DATE_FIELD_PATTERN, re.I)
#: A field for the date to pay or reply by (a bare "[Date]" is the letter's own date).
_DUE_NAME = re.compile(r"due|deadline|pay_?by|reply_?by|by_?date|payment[ _]?date", re.I)


#: A sentence that opens with the outcome it warns of as a purpose ("In order to stop
#: disconnection, you must ...", "If you want to resolve this matter without a lawsuit, you
#: must ..."), then asks: group 1 is the purpose, group 2 a "you must" that becomes "please".
_PURPOSE_OPENER = re.compile(
    r"\s*((?:(?:in order\s+)?to|if\s+you\s+(?:want|wish|would\s+like|hope)\s+to)\s+"
    r"(?:avoid|stop|prevent|halt|forestall|escape|(?:resolve|settle|close)\s+(?:this|the)\s+"
    r"(?:matter|account|debt|balance)\s+without)\b[^,;.!?]*),\s*"
    r"(?=(?:please|kindly|you\s+(?:must|should|need|will need|will have|have|are required))\b)"
    r"((?:you\s+(?:must|should|will need to|will have to|need to|have to|are required to)))?",
    re.I,
)


def _names_only(sentence: str, found: list[Finding]) -> bool:
    """Whether a sentence is nothing but what the findings name, in brackets or with
    punctuation ("(Final Demand)"): a label with no verb, not a statement to restate."""
    for f in found:
        sentence = sentence.replace(f.text, " ")
    return not re.search(r"\w", sentence)


def _is_amount_like(value: str) -> bool:
    """An amount, or a merge field named as one ("${{ total_due }}", "[Amount Due]")."""
    named = not value[:1].isdigit() and _AMOUNT_NAME.search(value)
    return bool(AMOUNT.fullmatch(value) or named)


#: A sentence that asks for a payment in any grammar ("we request that payment ... be made",
#: "we require you to settle", "payment of ... must be made").
_PAY_REQUEST = re.compile(
    r"\b(?:request|ask|require|expect|demand|need|want)\w*\b[^.!?]{0,60}\b(?:pay|settle|remit)|"
    r"\b(?:payment|settlement)\b[^.!?]{0,80}\b(?:be|is to be) (?:made|received|paid)\b",
    re.I,
)


def _is_date_like(value: str) -> bool:
    """A date, or a merge field named as one ("{{ pay_by }}", "[date]")."""
    named = not value[:1].isdigit() and re.search(rf"{_DATE_NAME.pattern}|today", value, re.I)
    return bool(DATE.fullmatch(value) or named)


_BALANCE_LABEL = re.compile(
    r"\b(?:amount (?:due|owed|owing|outstanding|overdue|payable)|total(?: (?:due|owed|owing|"
    r"outstanding|payable|amount|balance))?|balance(?: (?:due|owed|owing|outstanding))?|"
    r"(?:sum|total) of|you owe|owed|owing)\b[ \t:=-]{0,4}$",
    re.I,
)
_UNIT = re.compile(r" (?:working |business |calendar )?(?:days?|weeks?|months?|hours?|years?)\b")


def _unit_end(text: str, e: int) -> int:
    """The end of a value with the unit that follows it ("{days} days"): a number kept for
    reference without its unit says nothing."""
    m = _UNIT.match(text, e)
    return m.end() if m else e


def _is_period(value: str) -> bool:
    """A value kept with its unit ("{days} days", "14 days"): how long, not when."""
    m = _UNIT.search(value)
    return m is not None and m.end() == len(value)


#: A purpose clause that ends an ask, up to the threat it names ("... promptly to avoid ").
_TRAILING_PURPOSE = re.compile(
    r",?\s+(?:so as |in order )?to (?:avoid|prevent|stop|escape)\s+(?:[\w-]+\s+){0,3}$",
    re.I,
)
_NUMBER_WORD = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|twenty(?:[- ](?:one|four|eight))?|thirty|forty[- ]eight|sixty|"
    r"seventy[- ]two|ninety|\.{2,}|_{2,}|\[[^\]\n]{1,30}\])"
)
#: A deadline given as a period ("within the next ten (10) days of this letter", "in next 8
#: days", "within ....days").
_DEADLINE = re.compile(
    rf"\b(?:within|in)\s+(?:the\s+)?(?:next\s+)?{_NUMBER_WORD}(?:\s*\(\d+\))?\s*"
    r"(?:working\s+|business\s+|calendar\s+|clear\s+)?(?:days?|hours?|weeks?)\b"
    r"(?:\s+(?:of|from)\s+(?:the\s+date\s+of\s+)?(?:this|the)\s+(?:letter|notice|e-?mail|message))?",
    re.I,
)
#: A threat whose condition is not paying ("unless full payment is made", "if you do not pay",
#: "should payment not be received"): its ask to pay is the letter's.
_PAY_CONDITION = re.compile(
    r"\b(?:unless|until|if|should)\b[^.;]{0,40}?\b(?:pay|payment|paid|settle|balance)\b|"
    r"\bfail(?:ure|s|ing)? to (?:pay|make (?:a |the )?payment)\b|\bnon-?payment\b|"
    r"\babsent (?:receipt of )?(?:your )?payment\b",
    re.I,
)


def _deadline(sentence: str) -> str | None:
    """The period a sentence gives to act in, as "within ..." (None: it gives none)."""
    m = _DEADLINE.search(sentence)
    if m is None or re.search(r"hours?\b", m.group(0), re.I):
        return None  # a deadline of hours is pressure itself (LL306): the ask goes without it
    said = " ".join(m.group(0).split())
    said = said.lower() if said.isupper() else said[:1].lower() + said[1:]  # "WITHIN 48 HOURS"
    if said.startswith("in next "):
        return "within the next " + said[8:]
    return "within " + said[3:] if said.startswith("in ") else said


def _calm_with_by(calm: str, by: str) -> str:
    """A "Please pay ..." calm sentence made without its deadline, given it back."""
    if not by or by in calm:
        return calm
    return re.sub(  # a full stop ends the ask; the one in "{{ invoice.amount }}" or "£1.50" not
        r"^(Please pay .+?)(,| or\b|\.(?=\s|$))",
        lambda m: m.group(1) + by + m.group(2),
        calm,
        count=1,
    )


#: Lateness said with an intensifier ("seriously overdue", "severely in arrears").
_INTENSIFIED = re.compile(
    r"(?:seriously|severely|gravely|extremely|very|significantly|badly|long)\s+"
    r"(overdue|past due|late|in arrears|behind)",
    re.I,
)
_ADDED_COSTS = "threatening-tone.added-costs"
_COST_BEFORE = re.compile(
    r"\b(?:charges?|fees?|interest|penalty|surcharge|further|additional|extra|another|"
    r"admin(?:istration)?|costs?)\b(?: (?:of|at|is|are|will be|of up to|totalling))?\s*$",
    re.I,
)


_COST_AFTER = re.compile(
    r"\s*(?:(?:late |admin(?:istration)? |collection )?(?:fee|charge|penalty|surcharge)s?\b|"
    r"(?:will|has|have|may|would) (?:also )?(?:be|been) (?:added|charged|applied))",
    re.I,
)


def _edited(sentence: str, a: int, edits: list[Edit], cuts: Sequence[tuple[int, int]] = ()) -> str:
    """The sentence that starts at ``a`` as its cuts (relative to it) and word edits (in the
    letter's offsets) would leave it."""
    shifted = [Edit(s, e, "") for s, e in cuts] + [
        Edit(e.start - a, e.end - a, e.replacement) for e in edits
    ]
    return _apply(sentence, shifted)


def _ask_politely(
    sentence: str, a: int, cuts: list[tuple[int, int]], edits: list[Edit]
) -> list[Edit]:
    """The word edits of a sentence whose cuts and swaps leave one bare verb ("Remit payment
    without delay." would be "Pay."), with "Please" before it: a command of one word reads
    as a bark."""
    after = _edited(sentence, a, edits, cuts).strip()
    if not re.fullmatch(r"[A-Z][a-z]+[.!]?", after):
        return edits
    first = next((e for e in edits if e.start == a), None)
    if first is not None:
        rep = first.replacement
        return [e for e in edits if e is not first] + [
            Edit(first.start, first.end, "Please " + rep[:1].lower() + rep[1:])
        ]
    return [*edits, Edit(a, a + 1, "Please " + sentence[:1].lower())]


def _is_charge(text: str, m: re.Match[str]) -> bool:
    """Whether an amount is a charge's ("a late payment charge of £25", "£25 will be added")."""
    return bool(
        _COST_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        or _COST_AFTER.match(text, m.end())
    )


_RATE = re.compile(r"\b\d+(?:\.\d+)?\s?%")
_BECAUSE = re.compile(r",?\s+because\s+(?!of\b)", re.I)
#: A relative clause that says what is overdue ("... settled the above invoice which is
#: currently [one month] overdue."): a reason of its own when it ends the sentence.
_OVERDUE_CLAUSE = re.compile(
    r"\b((?:the|your|this|these|our)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:invoice|account|balance|bill|payment|instalment|installment|amount|sum)s?),?\s+"
    r"(?:which|that)\s+((?:is|are|was|were|has been|have been|remains?)\s+"
    r"[^.!?;]{0,60}?\b(?:overdue|past due|unpaid|outstanding|in arrears|late))\s*[.!?]?$",
    re.I,
)
_SUBJECTS = re.compile(
    r"^(?:we|you|i|they|it|this|that|these|those|there|he|she|our|your|their|the|a|an|please|"
    r"if|when|as|once|any|all|each|every|no|some|[A-Z][a-z]+ (?:will|has|is|was))\b",
    re.I,
)


@dataclass(frozen=True)
class Rewrite:
    """A rewritten letter in its own format, the context that fills its variables, and notes.

    ``jinja`` says whether ``template`` is a Jinja2 template (a plain letter comes out as
    one, with schema variables); a letter in another template language keeps its own
    syntax and its values as written. ``unrewritten`` lists the tone findings at warning
    or error still in the rewrite (nothing safe could replace them); ``score`` is the
    re-lint's.
    """

    template: str
    context: dict[str, Any]
    notes: tuple[str, ...] = ()
    facts: tuple[str, ...] = field(default=())  # amounts, dates and references of the original
    #: each rewritten line: (the original line, its rewrite as template text)
    passages: tuple[tuple[str, str], ...] = field(default=())
    unrewritten: tuple[Finding, ...] = field(default=())
    score: int | None = None
    jinja: bool = True

    def render_passage(self, template_line: str) -> str:
        """One rewritten line with the letter's own values filled in."""
        if not self.jinja:
            return template_line

        try:
            return render_bounded(bounded_environment(), template_line, self.context)
        except Exception:  # noqa: BLE001 - a line cut out of a template may not render alone
            return template_line

    def render(self) -> str:
        """The rewrite with its context filled in (a non-Jinja template is returned as it is)."""
        if not self.jinja:
            return self.template
        from jinja2 import StrictUndefined

        # bounded: a template's own {% set %} or loops never run away (TemplateLimitError)
        env = bounded_environment(undefined=StrictUndefined, keep_trailing_newline=True)
        return render_bounded(env, self.template, self.context)


class _Vars:
    """Turns specifics into schema variables (or keeps them as written) and remembers values."""

    def __init__(self, jinja: bool, style: str) -> None:
        self.jinja = jinja
        self.style = style
        self.context: dict[str, dict[str, Any]] = {}
        self.notes: list[str] = []

    def set(self, dotted: str, value: str, *, sample: bool = False) -> str:
        group, name = dotted.split(".")
        slot = self.context.setdefault(group, {})
        if name not in slot:
            slot[name] = value
            if sample:
                self.notes.append(
                    f"{dotted} was not in the letter: the context has a sample value "
                    f"({value!r}) to replace"
                )
        return self.ref(dotted)

    def ref(self, dotted: str) -> str:
        """How the letter writes this field: a Jinja variable, the letter's own syntax, or its
        value."""
        if self.jinja:
            return "{{ " + dotted + " }}"
        if self.has(dotted) and not self.style:
            return self.value(dotted)
        return placeholder_in(self.style, dotted) if self.style else self.value(dotted)

    def has(self, dotted: str) -> bool:
        group, name = dotted.split(".")
        return name in self.context.get(group, {})

    def value(self, dotted: str) -> str:
        group, name = dotted.split(".")
        return str(self.context[group][name])

    def sample(self, dotted: str) -> str:
        group, name = dotted.split(".")
        return self.set(dotted, str(SAMPLE_CONTEXT[group][name]), sample=True)


# --------------------------------------------------------------------------- placeholder syntax

_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("blade", re.compile(r"\{\{\s*\$\w")),
    ("go", re.compile(r"\{\{-?\s*\.[A-Z]")),
    ("smarty", re.compile(r"\{\$\w")),
    ("percent", re.compile(r"%[A-Z][A-Z_]+%")),
    ("pyformat", re.compile(r"%\(\w+\)s")),
    ("dollar", re.compile(r"\$\{\w")),
    ("mailchimp", re.compile(r"\*\|[A-Z_]+\|\*")),
    ("bracket", re.compile(r"\[[A-Z][A-Za-z ]+\]")),
    ("angle", re.compile(r"<<\w[\w ]*>>")),
    ("mustache", re.compile(r"\{\{\s*[\w.]+\s*\}\}")),
]


def placeholder_style(text: str) -> str:
    """The placeholder syntax a letter uses ("" when it uses none we know)."""
    for name, rx in _STYLES:
        if rx.search(text):
            return name
    return ""


def placeholder_in(style: str, dotted: str) -> str:
    """A schema field written in a letter's own placeholder syntax."""
    group, name = dotted.split(".")
    snake = f"{group}_{name}"
    camel = "".join(p.capitalize() for p in (group, *name.split("_")))
    words = " ".join(w.capitalize() for w in name.split("_"))
    return {
        "blade": "{{ $" + snake + " }}",
        "go": "{{ ." + camel + " }}",
        "smarty": "{$" + snake + "}",
        "percent": "%" + snake.upper() + "%",
        "pyformat": f"%({snake})s",
        "dollar": "${" + snake + "}",
        "mailchimp": "*|" + name.replace("_", "").upper()[:10] + "|*",
        "bracket": f"[{words}]",
        "angle": f"<<{words}>>",
    }.get(style, "{{ " + dotted + " }}")


#: What a slot for a value the letter lacks is called.
_SLOT_NAMES = {
    "payment.link": "Payment Link",
    "company.phone": "Phone Number",
    "customer.first_name": "First Name",
    "invoice.due_date": "Due Date",
}


def _slot_style(text: str) -> str:
    """The kind of slots to fill in a letter uses ("" when it uses none): "[Name]" or
    "<<Name>>", "(name)" in brackets, or a blank line "______"."""
    style = placeholder_style(text)
    if style in ("bracket", "angle"):
        return style
    tokens = [text[p.start : p.end] for p in find_placeholders(text) if p.output]
    if any(t.startswith("[") and not t.startswith("[[") for t in tokens):
        return "bracket"  # "[indicate amount]": a slot in brackets, however it is worded
    if any(t.startswith("(") for t in tokens):
        return "paren"
    if any(t.startswith("___") for t in tokens):
        return "blank"
    return ""


def _jinja_ready(text: str) -> bool:
    """Whether the letter is a Jinja2 template or plain text (slots such as ``[Name]`` are
    plain text)."""
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    if placeholder_style(text) in _ENGINE_STYLES:
        return False  # a Smarty or Laravel letter gets its own syntax, not Jinja mixed in
    try:
        SandboxedEnvironment().parse(text)
    except TemplateSyntaxError:
        return False
    return True


#: Placeholder syntaxes of other template engines and mail tools.
_ENGINE_STYLES = frozenset({"blade", "go", "smarty", "percent", "pyformat", "dollar", "mailchimp"})


# --------------------------------------------------------------------------- the letter


def _exact_terms(config: Config | None = None) -> frozenset[str]:
    """Every term and inflected form the caller's rules list (a display-only suggestion is
    used only for the exact word it was written for)."""
    return _exact_terms_of(get_linter(config))


@lru_cache(maxsize=8)
def _exact_terms_of(linter: Linter) -> frozenset[str]:
    # keyed by the linter, which `get_linter` replaces when a rule file changes
    out: set[str] = set()
    for r in linter.all_rules:
        out |= {str(p).lower() for p, *_ in (getattr(r, "terms", None) or ())}
        out |= {str(k).lower() for k in (getattr(r, "forms", None) or ())}
    return frozenset(out)


_REF_AFTER_LABEL = re.compile(
    r"\b(?:ref(?:erence)?|code|account|customer|client|case|file)\b[\s:#.no]{0,6}([A-Z0-9][A-Z0-9-]{2,})\b",
    re.I,
)


def _is_heading(text: str, a: int, b: int) -> bool:
    """A short line of its own without sentence punctuation ("Final Notice Before Legal Action")."""
    ls = text.rfind("\n", 0, a) + 1
    le = text.find("\n", b)
    line = text[ls : len(text) if le == -1 else le].strip()
    return (
        line == text[a:b].strip() and len(line.split()) <= 10 and not re.search(r"[.!?,;]$", line)
    )


def _is_output(token: str) -> bool:
    """A placeholder that prints a value (not template code such as ``{% if %}``)."""
    found = find_placeholders(token)
    return not found or found[0].output


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Facts, labelled reference codes and placeholders: an edit must keep them verbatim."""
    spans = fact_spans(text)
    spans += [
        m.span(1)
        for m in _REF_AFTER_LABEL.finditer(text)
        if any(c.isupper() or c.isdigit() for c in m.group(1))
    ]
    spans += [(p.start, p.end) for p in find_placeholders(text)]
    spans += [m.span() for m in CAPS_SLOT.finditer(text)]
    return sorted(spans)


def _sentences(text: str, analysis: Analysis | None = None) -> list[tuple[int, int]]:
    """Sentence spans (whitespace trimmed), never across a line break; placeholders are
    masked first so a dot in ``{{ .Name }}`` ends nothing. ``analysis``: the linter's own
    analysis of this very text, whose sentences are used instead of parsing it again."""
    if analysis is not None and analysis.original == text and analysis.rows:
        rows = analysis.rows
    else:
        _, rows = parse(mask(text, find_placeholders(text)))
    cuts = {row[0] for row in rows if row[4] == 1}
    cuts.update(m.end() for m in re.finditer(r"\n", text))
    cuts.add(0)
    bounds = sorted(c for c in cuts if c < len(text)) + [len(text)]
    out = []
    for x, y in zip(bounds, bounds[1:]):
        seg = text[x:y]
        a = x + len(seg) - len(seg.lstrip())
        b = x + len(seg.rstrip())
        if b > a:
            out.append((a, b))
    return out


class _Spans:
    """Sorted, non-overlapping spans with a quick overlap test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_right(self.starts, e - 1 if e > s else s) - 1
        return i >= 0 and self.ends[i] > s

    def inside(self, s: int, e: int) -> list[tuple[int, int]]:
        i = bisect_left(self.ends, s + 1)
        out = []
        while i < len(self.starts) and self.starts[i] < e:
            out.append((self.starts[i], self.ends[i]))
            i += 1
        return out


def _word_edits(
    f: Finding, text: str, by_or_soon: str | Callable[[], str], config: Config | None = None
) -> list[Edit] | None:
    """The edits a finding's own fix or suggestion makes, or None when it has none usable.
    ``by_or_soon`` (or what it returns, asked only when used) stands in for vague timing."""
    key = " ".join(f.text.lower().split())
    exact = key in _exact_terms(config)
    if f.fix is not None and f.fix.edits and (f.fix.applicability != "display-only" or exact):
        return list(f.fix.edits)
    if f.fix is None and f.suggestion is not None and exact and f.category != "threatening-tone":
        return [Edit(f.start, f.end, f.suggestion)]
    intensified = _INTENSIFIED.fullmatch(f.text)
    if intensified:  # "seriously overdue" says "overdue" with pressure: the intensifier goes
        plain = intensified.group(1)
        return [
            Edit(f.start, f.end, plain[:1].upper() + plain[1:] if f.text[:1].isupper() else plain)
        ]
    s, e = f.start, f.end
    following = re.match(r" (\w+)", text[e:])
    if (
        following and f"{key} {following.group(1).lower()}" in _NO_SUGGESTION
    ):  # "in default of" before "in default"
        key, e = f"{key} {following.group(1).lower()}", following.end() + e
    if key in _NO_SUGGESTION:
        rep = _NO_SUGGESTION[key]
        if "{by_or_soon}" in rep:
            rep = rep.format(by_or_soon=by_or_soon() if callable(by_or_soon) else by_or_soon)
        lead_in = re.match(r",? that\b,?\s*", text[e:])
        if not rep and lead_in:  # "Please be advised that X" -> "X"
            e += lead_in.end()
        elif not rep and text[e : e + 1] == " ":
            e += 1
        elif not rep and s > 0 and text[s - 1] == " ":
            s -= 1
        return [Edit(s, e, rep)]
    return None


def _blames_only(found: list[Finding]) -> bool:
    """Whether every finding blames or labels the reader (none threatens)."""
    return all(
        f.category == "stigmatising-language" or f.name.endswith((".blame", ".reproach"))
        for f in found
    )


def _calm(
    found: list[Finding], sentence: str, said: set[str], by: str, what: str = "the balance"
) -> str | None:
    """The calm sentence for a sentence that threatens or blames (None: drop it)."""
    if _blames_only(found):
        topic, calm = "blame", _BLAME
    elif any(f.category == "threatening-tone" and f.severity == "error" for f in found):
        return None
    else:
        threats = [f for f in found if f.category != "legal-jargon"] or found
        texts = " ".join(f.text for f in threats)
        names = " ".join(
            f.name for f in threats if f.category != "legal-jargon"
        )  # "legal-jargon" is not a court topic
        topic, calm = "next-step", _NEXT_STEP
        if _TOPICS[0][1].search(texts) or _TOPICS[0][1].search(names):
            return None
        hedged = all(
            f.severity not in SERIOUS for f in found
        )  # "there may be legal costs" is no court threat
        topics = [t for t in _TOPICS[1:] if not (hedged and t[0] == "court")]
        for where in (texts, names):
            hit = next(((t, c) for t, rx, c in topics if rx.search(where)), None)
            if hit:
                topic, calm = hit
                break
        assert calm is not None
    if topic in said or (topic == "next-step" and said & _ESCALATION):
        return None
    if topic == "court" and _NO_COURT in said:
        return None  # a letter with a validation notice: a court is not mentioned at all
    if topic in _ESCALATION and said & _ESCALATION:  # one "we would much rather" is enough
        calm = _ALSO[topic]
    said.add(topic)
    if topic == "agency":  # the collector as the letter names it: an in-house team is no agency
        own = _COLLECTOR.search(sentence)
        if own:
            calm = calm.replace("a collection agency", own.group(0)[:1].lower() + own.group(0)[1:])
    return calm.format(by=by, what=what)


#: Who the letter says would collect ("our debt collection services", "our recovery team",
#: "an external collection agency"), said in the calm sentence as the letter says it.
_COLLECTOR = re.compile(
    r"\b(?:our|an?|the)\s+(?:(?:external|outside|third[- ]party|independent|in-house|own)\s+)?"
    r"(?:debt\s+)?(?:collection|collections|recovery)\s+"
    r"(?:agency|agencies|services?|team|department|unit|partners?|agents?)\b",
    re.I,
)


#: A letter that carries a US validation notice (15 U.S.C. 1692g(a)): during its 30 days no
#: collection activity may overshadow the right to dispute (1692g(b); 12 CFR 1006.38(b)(1)),
#: so a threat of suit goes without the calm "we may ask a court" that stands in elsewhere.
_VALIDATION_NOTICE = re.compile(_DISPUTE_RIGHTS, re.I)
_NO_COURT = "no-court"
#: The calm next steps that escalate, and how a second one is said after the first.
_ESCALATION = frozenset({"court", "agency", "supply", "service"})
_ALSO = {
    "court": "We may also ask a court to decide.",
    "agency": "We may also pass your account to a collection agency.",
    "supply": "We may also have to disconnect your supply.",
    "service": "We may also have to pause your service.",
}


def _said_already(text: str) -> set[str]:
    """The topics whose calm sentence the letter says already (a second round reads the
    first round's wording): each is said once per letter."""
    return {topic for topic, rx in _opening_patterns() if rx.search(text)}


def _calm_rx(part: str) -> str:
    """A sentence of our calm wording as a pattern whose date and amount may be any value
    (a second pass reads "by {{ invoice.due_date }}" where the first wrote the date)."""
    rx = re.escape(part).replace(re.escape("{by}"), r"(?: (?:by|within) [^,]+?)?")
    return rx.replace(re.escape("{what}"), r".+?")


@lru_cache(maxsize=1)
def _calm_patterns() -> tuple[re.Pattern[str], ...]:
    """Each sentence of our calm wording, as a whole sentence."""
    return tuple(
        re.compile(rf"^{_calm_rx(part)}$")
        for calm in [c for _, _, c in _TOPICS if c] + [_NEXT_STEP, _BLAME]
        for part in re.split(r"(?<=\.) ", calm)
    )


@lru_cache(maxsize=1)
def _opening_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each topic's calm wording by its first sentence, found anywhere in a letter."""
    return (
        *((topic, re.compile(_calm_rx(calm.split(". ")[0]))) for topic, _, calm in _TOPICS if calm),
        ("blame", re.compile(re.escape(_BLAME))),
    )


class _Plan:
    """Works out the edits of one letter's linted text (offsets into ``text``)."""

    def __init__(
        self,
        text: str,
        findings: list[Finding],
        *,
        jinja: bool,
        style: str,
        frozen: list[tuple[int, int]],
        facts_text: str | None,
        config: Config | None = None,
        analysis: Analysis | None = None,
        plain: bool = True,
    ) -> None:
        self.config = config  # the caller's: every re-lint of a draft uses its packs and words
        self.analysis = analysis  # the linter's analysis of ``text``, when it analysed it as is
        self.plain = plain  # ``text`` is the source itself (no markup around it)
        self.text = text
        self.findings = sorted(findings, key=lambda f: (f.start, f.end))
        self.jinja = jinja
        self.v = _Vars(jinja, style)
        self.frozen = _Spans(frozen)
        form = _notice_form_spans(text)
        self.recase = _Spans(form)  # a default notice's statements: their case may change
        self.protected = _Spans(_protected_spans(text))
        slots = find_placeholders(text)
        self.placeholders = _Spans([(p.start, p.end) for p in slots])
        #: the letter has slots of its own syntax ("[Name]", "<firstname>", "(amount)",
        #: "______"): it is filled in by its own system, so no Jinja variable joins them
        self.own_slots = any(p.output and not text.startswith("{{", p.start) for p in slots)
        self.edits: list[Edit] = []
        self.notes: list[str] = []
        self._due_slot: str | None = None  # " by [Due Date]", once asked for
        self._help: bool | None = None  # whether the letter offers help (`_offers_help`)
        if form and any(_OLD_NOTICE_FORM.search(text, a, b) for a, b in form):
            self.notes.append(_OLD_NOTICE_NOTE)
        self.serious_tone = any(f.category in TONE and f.severity in SERIOUS for f in findings)
        hints = text if facts_text is None else text + "\n" + facts_text
        self.due = self._due(hints)
        found = list(AMOUNT.finditer(hints))
        amounts = [m.group(0) for m in found]
        # the sum to pay is the one a label names ("Amount due: $889.90", "a total of"), else
        # the one the letter repeats most (not a line item of a list)
        labelled = [
            m.group(0)
            for m in found
            if _BALANCE_LABEL.search(hints[max(0, m.start() - 40) : m.start()])
        ]
        # a charge's amount ("a late payment charge of £25", "£25 will be added") is not the
        # sum to pay: asking for it would ask for the wrong money
        amounts = [m.group(0) for m in found if not _is_charge(hints, m)]
        self.amount = (
            labelled[-1]
            if labelled
            else max(amounts, key=lambda x: (amounts.count(x), -amounts.index(x)))
            if amounts
            else None
        )
        if self.due:
            self.v.set("invoice.due_date", self.due)
        if self.amount:
            self.v.set("invoice.amount", self.amount)
        for rx, dotted in (
            (URL, "payment.link"),
            (EMAIL, "company.email"),
            (PHONE, "company.phone"),
        ):
            m = next((m for m in rx.finditer(hints) if rx is not PHONE or is_phone(hints, m)), None)
            if m:
                self.v.set(dotted, m.group(0))

    @staticmethod
    def _due(hints: str) -> str | None:
        due = None
        for m in DATE.finditer(hints):
            before = hints[max(0, m.start() - 14) : m.start()].lower()
            if re.search(
                r"\b(?:by|before|due(?: on)?|until|on or before|no later than|deadline:?)\s+$",
                before,
            ):
                due = m.group(0)
        return due

    def what(self) -> str:
        """The amount as the letter writes it (a variable, its value or its own placeholder)."""
        if self.amount and self.own_slots:
            return self.amount  # a letter of its own slots keeps its values as written
        return (
            self.v.ref("invoice.amount")
            if self.amount
            else (self._own_field(_AMOUNT_NAME) or "the balance")
        )

    def by(self) -> str:
        return f" by {self.v.ref('invoice.due_date')}" if self.due else ""

    # ------------------------------------------------------------------ sentences

    def sentences(self) -> None:
        text = self.text
        said = _said_already(text)
        if _VALIDATION_NOTICE.search(text):
            said.add(_NO_COURT)
        fi = 0
        n = len(self.findings)
        last_removed: int | None = None  # end of a sentence just replaced or removed
        charges_until = -1  # end of a paragraph that states its charges with their amounts
        lines = text.split("\n")
        sign_off_at, block = _find_signature(lines)
        body_end = sum(
            len(ln) + 1 for ln in lines[:block]
        )  # the sign-off and signature are not rewritten
        started = False  # a sentence of the body has been met (addresses, greeting: not yet)
        moved: list[tuple[int, str]] = []  # calm sentences that go at a later paragraph's end
        for a, b in _sentences(text, self.analysis):
            if a >= body_end:
                break
            while fi < n and self.findings[fi].start < a:
                fi += 1
            fj = fi
            while fj < n and self.findings[fj].start < b:
                fj += 1
            found = self.findings[fi:fj]
            if self.frozen.overlaps(a, b):
                last_removed = None
                if self.recase.overlaps(a, b):  # the form's words stay; its capitals need not
                    self._add_word_edits(self._case_edits(found, a, b), a, b)
                continue
            sentence = text[a:b]
            opening = not started  # the first sentence of the body that says something
            started = started or len(re.findall(r"\w+", sentence)) >= 6
            if last_removed is not None and (
                ("\n\n" not in text[last_removed:a] and _BACK_REFERENCE.match(sentence))
                or _POINTER_START.match(sentence)  # "This course of action ..." says what it means
            ):
                self._remove(a, b, sentence)
                last_removed = b
                continue
            before_this, last_removed = last_removed, None
            edits: list[Edit] = []
            whole: list[Finding] = []
            for f in found:
                if f.category not in TONE:
                    continue
                got = _word_edits(
                    f, text, lambda: self.by() or self._slot_by() or " soon", self.config
                )
                if got is not None:
                    edits.extend(got)
                elif f.category == "threatening-tone" or (
                    f.severity in SERIOUS and (f.category != "legal-jargon" or f.suggestion is None)
                ):
                    # info-level threats (loss of service, added costs, hedged action) are
                    # counted by readers too; jargon at warning with no plain wording goes with
                    # its sentence
                    whole.append(f)
            question = _ACCUSING_QUESTION.match(sentence)
            if question and any(f.name.endswith(".reproach") for f in found):
                # "Is there some reason why you have not paid our invoice 12?" asks for an
                # excuse; what it tells is "We have not yet received payment for our invoice 12."
                said.add("blame")
                at = a + question.start("ask")
                self.edits.append(Edit(at, a + question.start("obj"), _NOT_RECEIVED))
                self.edits.append(Edit(a + question.start("q"), a + question.end("q"), "."))
                kept = [e for e in edits if e.start >= a + question.start("obj")]
                self._add_word_edits(kept, a, b)
                continue
            threats = [f for f in found if f.category == "threatening-tone"]
            if threats and not whole and _names_only(sentence, threats):
                la, lb = self._with_brackets(a, b)
                label = text[la:lb].strip().rstrip(".")
                if label.startswith("(") and label.endswith(")"):
                    # "(Demand for Payment)" labels a letter as a threat; a friendlier label
                    # there ("(Request for payment)") says nothing: it goes
                    self._remove(la, lb, text[la:lb])
                    last_removed = before_this
                    continue
            done = _DONE_HANDOVER.search(sentence)
            if whole and done:  # "has been referred to an agency" is news, not a threat: it stays
                told = [f for f in whole if a + done.start() <= f.start < a + done.end() + 60]
                rest = [f for f in whole if f not in told]
                if told and (not rest or self._cut_clauses(a, b, rest, edits)):
                    said.add("agency")  # a later "we may pass it on" would contradict it
                    if not rest:
                        self._add_word_edits(edits, a, b)
                    continue
            if whole and self._cut_clauses(a, b, whole, edits):
                continue
            if whole and all(f.category == "legal-jargon" for f in whole):
                if any(_RESERVATION.search(f.text) for f in whole) and not self.protected.inside(
                    a, b
                ):  # a reservation of rights asks nothing of the reader: it goes
                    self._remove(a, b, sentence)
                    continue
                # other jargon with no plain wording: the sentence or heading says something a
                # calm sentence would not ("... is issued because these instalments are unpaid",
                # the name of a statutory notice), so it stays and the re-lint reports it
                self._add_word_edits(edits, a, b)
                continue
            if whole and all(f.name == _ADDED_COSTS and f.severity == "info" for f in whole):
                if self._states_amount(a, b):
                    end = text.find("\n\n", b)
                    charges_until = len(text) if end == -1 else end
                if a < charges_until:
                    # "A late charge of £25 has been applied, and £25 more every 14 days":
                    # charges stated with their amounts are what the reader needs to know
                    # (what LL317 asks for), in that paragraph not a threat to soften
                    self._add_word_edits(edits, a, b)
                    continue
            if whole and (
                _is_heading(text, a, b) or _names_only(sentence, whole)
            ):  # a threatening heading or label ("(Letter of Demand)") goes; nothing stands in
                a, b = self._with_brackets(a, b)
                self._remove(a, b, text[a:b])
                last_removed = before_this  # what pointed past it still points at the threat
                continue
            if whole:
                if self._is_calm(sentence):  # already our calm wording (a second pass): keep it
                    self._add_word_edits(edits, a, b)
                    continue
                kept = [
                    text[
                        s - 1 if s > a and text[s - 1] in _CURRENCY_SIGNS else s : _unit_end(
                            text, e
                        )
                    ]
                    for s, e in self.protected.inside(a, b)
                    if not (self.placeholders.overlaps(s, e) and not self._kept_field(s, e, whole))
                ]  # a field's currency sign and unit stay with it ("${{ total }}", "{n} days")
                kept = [k for k in dict.fromkeys(kept) if k not in (self.due, self.amount)]
                reason = self._reason(a, b, found)
                if reason:  # its own values stay in it
                    kept = [k for k in kept if k not in reason]
                # the sentence's own date becomes the calm sentence's "by": what it said would
                # happen keeps its when
                when = next((k for k in kept if _is_date_like(k)), None)
                period = next((k for k in kept if _is_period(k)), None)
                # the threat's own deadline ("unless paid within 14 days of this letter") is
                # the calm sentence's: the reader still needs to know when
                deadline = _deadline(sentence) if not (when or period) else None
                by = self.by() or (
                    f" by {when}"
                    if when
                    else f" within {period}"
                    if period
                    else f" {deadline}"
                    if deadline
                    else ""
                )
                # "Unless payment is made in 8 days, we will sue": the ask to pay stays, with
                # the deadline, and the calm next step follows without repeating it
                ask = (
                    (
                        _PAY_CONDITION.search(sentence)
                        or _PAY_REQUEST.search(sentence)
                        or _PAY_ORDER.match(sentence)
                    )
                    is not None
                    and "pressure" not in said
                    and not self._asked(a, b)
                )
                calm = _calm(whole, sentence, said, "" if ask else by, self.what())
                if calm is None and ask and not _blames_only(whole):
                    # "PAY NOW or we send the bailiffs": the threat goes, its ask stays, for
                    # the sum it names ("Unless you pay £{amount} within 10 days, ...")
                    said.add("pressure")
                    sums = [k for k in kept if _is_amount_like(k)]
                    calm = f"Please pay {sums[0] if len(sums) == 1 else self.what()}{by}."
                if calm and ask and not calm.startswith("Please pay"):
                    said.add("pressure")
                    what = self.what()
                    if calm.startswith(f"If {what} is not paid"):  # the sum once, then "it"
                        calm = "If it" + calm[len(f"If {what}") :]
                    calm = f"Please pay {what}{by}. " + calm
                elif calm and ask:
                    calm = _calm_with_by(calm, by)
                if calm is not None and calm.startswith("Please pay") and self._asked(a, b):
                    calm = None  # the letter asks the reader to pay already: no second ask
                if calm and _HELP_LINE in calm and self._offers_help():
                    calm = calm.replace(" " + _HELP_LINE, "")  # the letter offers help already
                if calm and sentence.strip() in calm:
                    self._add_word_edits(edits, a, b)
                    continue
                if reason:  # why comes first: "Your invoices are 30 days overdue. If we ..."
                    calm = reason + (" " + calm if calm else "")
                kept = [k for k in kept if k not in (calm or "")]
                # a value the letter gave before, in a sentence that stays, is not lost
                kept = [k for k in kept if not self._kept_before(k, a)]
                if (
                    not calm
                    and len(kept) == 1
                    and _is_date_like(kept[0])
                    and "pressure" not in said
                ):
                    said.add("pressure")  # the threat's deadline stays, as the ask it was
                    calm, kept = f"Please pay {self.what()} by {kept[0]}.", []
                sums = [k for k in kept if _is_amount_like(k)]
                if (
                    not calm
                    and len(sums) == 1
                    and _PAY_REQUEST.search(sentence)
                    and not self._asked(a, b)
                ):  # the threat asked for a payment: the ask stays, without the pressure
                    when = next((k for k in kept if _is_date_like(k)), None)
                    by = self.by() or (f" by {when}" if when else "")
                    calm = f"Please pay {sums[0]}{by}."
                    kept = [k for k in kept if k not in (sums[0], when)]
                prev = self.edits[-1] if self.edits else None
                if (
                    kept
                    and not calm
                    and prev is not None
                    and prev.replacement.endswith(".")
                    and "For reference: " in prev.replacement
                    and not text[prev.end : a].strip()
                ):  # the sentence before ended "For reference: ...": one list, not two
                    more = ", " + ", ".join(kept) + "."
                    self.edits[-1] = Edit(prev.start, prev.end, prev.replacement[:-1] + more)
                    kept = []
                if kept:
                    calm = (
                        ((calm + " ") if calm else "") + "For reference: " + ", ".join(kept) + "."
                    )
                a, b = self._with_brackets(a, b)
                after = self._next_paragraph_end(a, b, body_end) if opening else None
                if calm and after is not None and not kept and not calm.startswith("Please"):
                    # a threat that opens the letter as a paragraph of its own ("Court action
                    # will follow if you ignore this letter."): its calm next step comes after
                    # the paragraph that says what is owed, not before it
                    self._remove(a, b, sentence)
                    moved.append((after, calm))
                elif calm:
                    self.edits.append(Edit(a, b, calm))
                else:
                    self._remove(a, b, sentence)
                last_removed = b
                continue
            if said and self._unpoint(a, b, edits):
                continue
            if edits and _BARE_ORDER.match(
                _edited(sentence, a, edits)
            ):  # "Payment must be made [forthwith].": once its pressure is gone it repeats
                if self._ask_once(a, b, sentence):  # the letter's ask, or is it
                    said.add("pressure")
                last_removed = b
                continue
            order = _DEMAND_ORDER.match(sentence) if found else None
            if order:  # "You are hereby required to remit ...": "Please pay ..."
                edits = [e for e in edits if e.start >= a + order.end()]
                self.edits.append(Edit(a + order.start(1), a + order.end(), "Please "))
            self._add_word_edits(edits, a, b)
            if any(f.category == "readability" and f.severity in SERIOUS for f in found):
                self._split(a, b)
        for at, calm in moved:  # after the paragraph's last sentence as rewritten
            self.edits.append(Edit(at, at, " " + calm))

    def _offers_help(self) -> bool:
        """Whether the letter offers help already (LL405 finds no lack of it), asked once."""
        if self._help is None:
            try:
                only = replace(self.config or Config(), select=("call-to-action.no-help-offer",))
                self._help = not check_text(self.text, config=only)
            except ValueError:
                self._help = False
        return self._help

    def _states_amount(self, a: int, b: int) -> bool:
        """Whether ``[a, b)`` gives an amount of money or a rate ("£25", "8% a year")."""
        return any(_is_amount_like(self.text[s:e]) for s, e in self.protected.inside(a, b)) or bool(
            _RATE.search(self.text, a, b)
        )

    def _kept_before(self, value: str, a: int) -> bool:
        """Whether ``value`` occurs before ``a`` in text no edit so far has touched."""
        at = self.text.find(value)
        while 0 <= at < a:
            if not any(e.start < at + len(value) and at < e.end for e in self.edits):
                return True
            at = self.text.find(value, at + 1)
        # or a sentence the rewrite put in before it says it ("Please pay £{total} ...")
        return any(e.end <= a and value in e.replacement for e in self.edits)

    def _next_paragraph_end(self, a: int, b: int, body_end: int) -> int | None:
        """Where the paragraph after ``[a, b)`` ends, when ``[a, b)`` is a paragraph of its own
        and another paragraph of the body follows it; else None."""
        text = self.text
        if text[max(0, a - 2) : a].strip(" \t") not in ("\n\n", "") or not re.match(
            r"[ \t]*\n[ \t]*\n", text[b:]
        ):
            return None
        start = len(text) - len(text[b:].lstrip())
        end = text.find("\n\n", start)
        end = min(len(text), body_end if end == -1 else min(end, body_end))
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start or not re.search(r"[.!?]$", text[start:end]):
            return None
        return end

    def _asked(self, a: int, b: int) -> bool:
        """Whether the letter asks the reader to pay or reply outside ``[a, b)``, in its own
        words or in a sentence the rewrite has put in already ("Please pay ..." in place of a
        threat)."""
        text = self.text
        return any(_ASKS.search(part) for part in (text[:a], text[b:])) or any(
            _ASKS.search(e.replacement.replace(_HELP_LINE, ""))  # an offer of help asks nothing
            for e in self.edits
            if e.end <= a or e.start >= b
        )

    def _ask_once(self, a: int, b: int, sentence: str) -> bool:
        """Put "Please pay ..." in place of a bare order to pay, or drop the order where the
        letter asks already; True when the ask was put in."""
        if self._asked(a, b):
            self._remove(a, b, sentence)
            return False
        self.edits.append(Edit(a, b, f"Please pay {self.what()}{self.by()}."))
        return True

    def _reason(self, a: int, b: int, found: list[Finding]) -> str:
        """The reason a threat gives, as a sentence of its own ("... will be paused because
        your invoices are 30 days overdue." gives "Your invoices are 30 days overdue."): a
        "because" clause that ends the sentence, has its own subject and no tone finding; or a
        relative clause that ends it by saying what is overdue ("the above invoice which is
        currently two weeks overdue")."""
        sentence = self.text[a:b]
        m = _BECAUSE.search(sentence)
        if m is None:
            rel = _OVERDUE_CLAUSE.search(sentence)
            if rel is None or any(f.category in TONE and f.end > a + rel.start() for f in found):
                return ""
            said = f"{rel.group(1)} {rel.group(2)}"
            return said[:1].upper() + said[1:] + "."
        rest = sentence[m.end() :].rstrip()
        rest = rest[:-1] if rest[-1:] in ".!?" else rest
        if (
            len(re.findall(r"\w+", rest)) < 4
            or re.search(r"[.!?;]", rest)
            or not _SUBJECTS.match(rest)
            or re.match(r"(?:if|when|as|once|please)\b", rest, re.I)
            or any(f.category in TONE and f.end > a + m.end() for f in found)
        ):
            return ""
        return rest[:1].upper() + rest[1:] + "."

    def _kept_field(self, s: int, e: int, whole: list[Finding]) -> bool:
        """Whether a placeholder of a sentence that goes is a value to keep for reference:
        not template code, not a blank with no name ("______"), and not the very thing the
        threat named ("{{ late_fee }} will be added"), which the calm sentence speaks of."""
        token = self.text[s:e]
        found = find_placeholders(token)
        if found and (not found[0].output or not found[0].name):
            return False
        return not any(f.start <= s and e <= f.end for f in whole)

    def _with_brackets(self, a: int, b: int) -> tuple[int, int]:
        """A sentence that goes takes its bracket with it: "(Final demand)" leaves no "("."""
        text = self.text
        sentence = text[a:b]
        for o, c in ("()", "[]"):
            if sentence.count(c) > sentence.count(o) and a > 0 and text[a - 1] == o:
                a -= 1
            elif sentence.count(o) > sentence.count(c) and text[b : b + 1] == c:
                b += 1
        return a, b

    def _is_calm(self, sentence: str) -> bool:
        """The sentence is one of the calm sentences a rewrite writes (with or without its date)."""
        said = sentence.strip()
        return bool(said) and any(rx.search(said) for rx in _calm_patterns())

    def _cut_clauses(self, a: int, b: int, whole: list[Finding], edits: list[Edit]) -> bool:
        """Remove only the part that threatens or blames when the rest stands as a sentence:
        a clause after a comma (", or we will take you to court") or a short pressure phrase
        at a clause's end ("please call us immediately"). False when it cannot."""
        text = self.text
        sentence = text[a:b]
        cuts: list[tuple[int, int]] = []
        modal: tuple[int, int] | None = None  # "you must" of an ask whose purpose clause goes
        least = 2  # words the sentence keeps: "Please call us." stands; a clause cut needs more
        purpose = _PURPOSE_OPENER.match(sentence)
        for f in whole:
            s, e = f.start - a, f.end - a
            if (
                f.text.lower() in _PRESSURE_ADVERBS
                and re.match(r" \w", sentence[e:])
                and re.search(r"\w $", sentence[:s])
            ):  # "please contact us immediately to discuss a plan": the adverb goes
                cuts.append((s - 1, e))
                continue
            purpose_end = _TRAILING_PURPOSE.search(sentence[:s])
            if (
                purpose_end
                and re.match(r"\s*(?:[.;!?]|$)", sentence[e:])
                and (
                    re.search(r"\b(?:please|kindly)\b", sentence[: purpose_end.start()], re.I)
                    or _PAY_REQUEST.search(sentence[: purpose_end.start()])
                )
            ):
                # "Please pay promptly to avoid further action.": the ask stays, its threat goes
                cuts.append((purpose_end.start(), e))
                continue
            if len(f.text.split()) <= 3 and re.match(r"\s*(?:[.;!?]|$)", sentence[e:]):
                tail = self._calm_tail(sentence, s, e)
                if tail is not None:
                    cuts.append((tail, e))
                    continue
            if purpose and e <= purpose.end(1):  # "To avoid court, you must pay by ...": the
                cuts.append((0, purpose.end()))  # ask stays, as a plain "please"
                if purpose.group(2):
                    modal = (purpose.start(2), purpose.end(2))
                continue
            lead = re.match(r",\s+", sentence[e:])
            if (
                not sentence[:s].strip() and lead
            ):  # "Despite our reminders, the invoice is unpaid": the opener goes
                cuts.append((0, e + lead.end()))
                continue
            left = max(sentence.rfind(", ", 0, s), sentence.rfind("; ", 0, s))
            alt = [m.start() for m in _OR_CLAUSE.finditer(sentence) if m.start() <= s]
            if _blames_only([f]):  # "Your plan ended in May and you still haven't paid": the
                alt = sorted(  # reproach is a clause of its own, and it goes
                    alt + [m.start() for m in _AND_CLAUSE.finditer(sentence) if m.start() <= s]
                )
            if alt and alt[-1] > left:
                left = alt[-1]  # "Please pay by Friday or we will sue": the "or" clause goes
            if left <= 0:
                return False
            before = sentence[:left]
            joined = re.search(
                r"[,;]\s*(?:otherwise|or else|or|and|but|however|else|failing which|in which case)"
                r"\s*$",
                before,
                re.I,
            )
            if joined:  # "...; otherwise, we will sue" goes with its "otherwise"
                left = joined.start()
            right = len(sentence.rstrip(".!?"))
            nxt = re.search(r"[,;] ", sentence[e:])
            if (
                nxt
                and not joined
                and re.match(r"[,;] (?:and|but|so|which|who)\b", sentence[e + nxt.start() :])
                is None
            ):
                right = e + nxt.start()
                if sentence[left : left + 1] == "," and sentence[right : right + 1] == ",":
                    right += 1  # ", and if necessary summon," goes with both its commas
            cuts.append((left, right))
            least = 5
        if (
            purpose
            and _POINTER_OPENER.match(sentence)
            and not any(s == 0 for s, _ in cuts)
            and not self.protected.inside(a, a + purpose.end())
        ):  # "To prevent this, you must pay ... immediately": "this" is a threat; the ask stays
            cuts.append((0, purpose.end()))
            if purpose.group(2):
                modal = (purpose.start(2), purpose.end(2))
        if any(s > 0 and _CONTINUES.match(sentence[e:]) for s, e in cuts):
            return False  # "Accordingly, or a proposal is made." lost the clause "or" joins
        rest = sentence
        for s, e in sorted(cuts, reverse=True):
            rest = rest[:s] + rest[e:]
        if _dangling(rest):
            return False  # "If you do neither of these things." does not stand alone
        if len(re.findall(r"\w+", rest)) < least or any(
            self.protected.inside(a + s, a + e) for s, e in cuts
        ):
            return False
        if _BARE_ORDER.match(rest):  # "You must pay [immediately].": the ask, said politely,
            self._ask_once(a, b, sentence)  # or nothing where the letter asks already
            return True
        if any(e.start < a + ce and a + cs < e.end for e in edits for cs, ce in cuts):
            edits = [
                e for e in edits if not any(e.start < a + ce and a + cs < e.end for cs, ce in cuts)
            ]
        cuts = sorted(set(cuts))
        edits = _ask_politely(sentence, a, cuts, edits)
        if modal is not None:  # the purpose and the "you must" go as one: "Please pay ..."
            cuts = [c for c in cuts if c[1] != modal[0]]
            self.edits.append(Edit(a, a + modal[1], "please"))
            edits = [e for e in edits if not (e.start < a + modal[1] and a < e.end)]
        for s, e in cuts:
            self.edits.append(Edit(a + s, a + e, ""))
        self._add_word_edits(edits, a, b)
        return True

    def _unpoint(self, a: int, b: int, edits: list[Edit]) -> bool:
        """Once a threat is gone, a later pointer at it goes too: "to avoid the course of action
        outlined here" is cut, "I trust that such action will not be necessary" removed."""
        text = self.text
        sentence = text[a:b]
        m = _PURPOSE_POINTER.search(sentence)
        if m and len(re.findall(r"\w+", sentence[: m.start()])) >= 3:
            self.edits.append(Edit(a + m.start(), a + m.end(), ""))
            self._add_word_edits(
                [e for e in edits if e.end <= a + m.start() or e.start >= a + m.end()], a, b
            )
            return True
        m = _POINTER_OPENER.match(sentence)
        if m and len(re.findall(r"\w+", sentence[m.end() :])) >= 3:
            self.edits.append(Edit(a, a + m.end() + 1, sentence[m.end()].upper()))
            self._add_word_edits([e for e in edits if e.start >= a + m.end() + 1], a, b)
            return True
        m = _POINTER_CLAUSE.match(sentence)
        if m:
            rest = sentence[m.end() :]
            if len(re.findall(r"\w+", rest)) >= 3:
                k = len(rest) - len(rest.lstrip())
                self.edits.append(Edit(a, a + m.end() + k + 1, rest[k].upper()))
            else:
                self._remove(a, b, sentence)
            return True
        return False

    def _calm_tail(self, sentence: str, s: int, e: int) -> int | None:
        """Where to cut a short pressure phrase at a clause's end ("contact us immediately"):
        the fewest last words whose removal leaves a sentence the linter finds calm."""
        words = [m.start() for m in re.finditer(r"\S+", sentence[s:e])]
        for w in reversed(words):
            if not _TIME_ADVERBIAL.match(sentence[s + w : e]):
                # only a time or manner adverb leaves the rest a sentence ("call us [immediately]")
                continue
            cut = s + w
            while cut > 0 and sentence[cut - 1] == " ":
                cut -= 1
            rest = sentence[:cut] + sentence[e:]
            if len(re.findall(r"\w+", rest)) < 2:
                return None
            try:
                found = check_text(rest, config=self.config)
            except ValueError:
                return None
            if not any(f.category in TONE and f.severity in SERIOUS for f in found):
                return cut
        return None

    def _remove(self, a: int, b: int, sentence: str) -> None:
        """Drop a sentence with the space after it; a line that held only it goes too."""
        text = self.text
        ls = text.rfind("\n", 0, a) + 1
        le = text.find("\n", b)
        le = len(text) if le == -1 else le
        tags = [
            text[s:e]
            for s, e in self.placeholders.inside(a, b)
            if not find_placeholders(text[s:e]) or not find_placeholders(text[s:e])[0].output
        ]
        keep = "".join(tags)  # template code in the sentence stays, in its place
        if not text[ls:a].strip() and not text[b:le].strip() and not keep:
            end = min(le + 1, len(text))
            if (
                self.plain
                and (ls < 2 or text[ls - 2 : ls] == "\n\n")
                and text[end : end + 1] == "\n"
            ):
                end += 1  # a paragraph of its own: one of the blank lines around it goes too
            self.edits.append(Edit(ls, end, ""))
            return
        e = b
        while e < len(text) and text[e] in " \t":
            e += 1
        if e >= le:  # the last sentence of its line: the space before it goes instead
            while a > ls and text[a - 1] in " \t":
                a -= 1
            e = b
        self.edits.append(Edit(a, e, keep))

    def _case_edits(self, found: list[Finding], a: int, b: int) -> list[Edit]:
        """The fixes of ``found`` that change only letters' case, inside the recasable form."""
        text = self.text
        out = []
        for f in found:
            for e in _word_edits(f, text, " soon", self.config) or ():
                was = text[e.start : e.end]
                if (
                    e.replacement != was
                    and e.replacement.lower() == was.lower()
                    and any(
                        s <= e.start and e.end <= t for s, t in self.recase.inside(e.start, e.end)
                    )
                ):
                    out.append(e)
        return out

    def _add_word_edits(self, edits: list[Edit], a: int, b: int) -> None:
        text = self.text
        last = -1
        for e in sorted(edits, key=lambda e: (e.start, e.end)):
            if e.start < last or e.start < a - 1 or e.end > b + 1:
                continue
            touched = self.protected.inside(e.start, e.end)
            if any(s < e.start or t > e.end for s, t in touched) and e.end > e.start:
                continue  # an edit inside a placeholder, a fact or a code: never
            inside = [(s, t) for s, t in touched if s >= e.start and t <= e.end]
            if any(text[s:t] not in e.replacement for s, t in inside):
                if len(e.replacement) != e.end - e.start:
                    continue  # the swap would change a fact, a code or a placeholder
                rep = list(e.replacement)  # a change of case: the protected text keeps its own
                for s, t in inside:
                    rep[s - e.start : t - e.start] = text[s:t]
                e = Edit(e.start, e.end, "".join(rep))
            self.edits.append(e)
            last = e.end

    def _split(self, a: int, b: int) -> None:
        """Split a long sentence at one joint where both halves stand as sentences."""
        text = self.text
        sentence = text[a:b]
        if len(sentence.split()) <= 25:
            return
        best = None
        for joint, lead in (
            ("; ", ""),
            (", and ", ""),
            (", but ", "But "),
            (", so ", "So "),
            (" and we ", "We "),
            (" and you ", "You "),
        ):
            for m in re.finditer(re.escape(joint), sentence):
                left, right = sentence[: m.start()], sentence[m.end() :]
                if len(left.split()) < 6 or len(right.split()) < 6:
                    continue
                if not lead and not _SUBJECTS.match(right):
                    continue  # "..., and are legally entitled" has no subject of its own
                cost = abs(len(left) - len(right))
                if best is None or cost < best[0]:
                    best = (cost, m.start(), m.end(), lead)
        if best is None:
            return
        _, s, e, lead = best
        s, e = a + s, a + e
        if any(
            x.start < e + 1 and x.end > s for x in self.edits if x.start >= a and x.end <= b + 1
        ) or self.protected.overlaps(s, e + 1):
            return
        nxt = text[e : e + 1]
        self.edits.append(Edit(s, e + (0 if lead else 1), ". " + (lead or nxt.upper())))

    # --------------------------------------------------------------- greeting, signature, specifics

    def greeting(self, findings: list[Finding]) -> None:
        text = self.text
        pos = 0
        for _ in range(15):
            end = text.find("\n", pos)
            end = len(text) if end == -1 else end
            line = text[pos:end]
            stripped = line.strip()
            gm = _GREETING.match(stripped) if stripped else None
            if gm and len(stripped) <= 60:
                self._greet(gm, pos + line.index(stripped), findings)
                return
            if end >= len(text):
                return
            pos = end + 1

    def _greet(self, gm: re.Match[str], at: int, findings: list[Finding]) -> None:
        rest = gm.group("rest").strip()
        rs = at + gm.start("rest") + (len(gm.group("rest")) - len(gm.group("rest").lstrip()))
        re_ = rs + len(rest)
        if find_placeholders(rest) or self.frozen.overlaps(at, re_):
            return
        impersonal = any(
            f.category == "personalisation" and f.severity in SERIOUS and at <= f.start < re_ + 1
            for f in findings
        )
        v = self.v
        if not impersonal and self.jinja and not self.own_slots:
            t = _TITLED.match(rest)
            if t:
                self.edits.append(
                    Edit(
                        rs,
                        re_,
                        f"{v.set('customer.title', t.group('title'))} "
                        f"{v.set('customer.last_name', t.group('last'))},",
                    )
                )
                return
            fm = _FIRST.match(rest)
            if fm:
                if fm.group("last"):
                    v.set("customer.last_name", fm.group("last"))
                self.edits.append(
                    Edit(rs, re_, v.set("customer.first_name", fm.group("first")) + ",")
                )
                return
        if impersonal:
            name = self._route_field("customer.first_name")
            word = "Dear" if gm.group("word").split()[0].lower() == "to" else gm.group("word")
            self.edits.append(Edit(at, re_, f"{word[:1].upper()}{word[1:]} {name},"))

    def signature(self) -> None:
        """A person's name and role after the sign-off become sender.name / sender.role."""
        if not self.jinja or self.own_slots:
            return
        text = self.text
        lines = text.split("\n")
        sign_off_at, _ = _find_signature(lines)
        if sign_off_at is None:
            return
        offsets = [0]
        for ln in lines:
            offsets.append(offsets[-1] + len(ln) + 1)
        rest = [(i, ln.strip()) for i, ln in enumerate(lines) if i > sign_off_at and ln.strip()][:2]
        if not rest or self.frozen.overlaps(offsets[rest[0][0]], offsets[rest[-1][0] + 1]):
            return
        i, person = rest[0]
        if not re.match(r"^(?:[A-Z][a-z'-]+\.?\s){1,3}[A-Z][\w'-]+$", person) or _departments(
            self.config
        ).search(person):
            return
        start = offsets[i] + lines[i].index(person)
        self.edits.append(Edit(start, start + len(person), self.v.set("sender.name", person)))
        if (
            len(rest) > 1
            and rest[1][0] == i + 1
            and len(rest[1][1]) < 50
            and not find_placeholders(rest[1][1])
        ):
            j, role = rest[1]
            start = offsets[j] + lines[j].index(role)
            self.edits.append(Edit(start, start + len(role), self.v.set("sender.role", role)))

    def variables(self) -> None:
        """Specifics become schema variables (Jinja letters only); other values stay as written.

        A letter with slots of its own (`own_slots`) keeps its values as written."""
        if not self.jinja or self.own_slots:
            return
        text = self.text
        taken = _Spans([(e.start, max(e.end, e.start + 1)) for e in self.edits])
        claimed: list[tuple[int, int]] = []
        for rx, dotted in (
            (URL, "payment.link"),
            (EMAIL, "company.email"),
            (INVOICE, "invoice.number"),
            (ACCOUNT, "account.number"),
            (PHONE, "company.phone"),
            (AMOUNT, "invoice.amount"),
            (DATE, "invoice.due_date"),
        ):
            for m in rx.finditer(text):
                s, e = m.span()
                if rx is PHONE and not is_phone(text, m):
                    continue
                if (
                    taken.overlaps(s, e)
                    or self.frozen.overlaps(s, e)
                    or self.placeholders.overlaps(s, e)
                    or any(cs < e and s < ce for cs, ce in claimed)
                ):
                    continue
                if not self.v.has(dotted):
                    if dotted == "invoice.due_date":
                        continue  # a date that is not the deadline keeps its own words
                    if dotted == "invoice.amount" and _is_charge(text, m):
                        continue  # a fee's amount is not the sum to pay: it stays as written
                    self.v.set(dotted, m.group(0))
                if self.v.value(dotted) == m.group(0):
                    claimed.append((s, e))
                    self.edits.append(Edit(s, e, "{{ " + dotted + " }}"))

    # ------------------------------------------------------------------ what is missing

    def additions(self, new_text: str, lint_kind: str, html: bool) -> Edit | None:
        """One paragraph with what a clear letter needs and this one lacks, in its own terms."""
        try:
            only_cta = replace(self.config or Config(), select=("call-to-action",))
            probe = check_text(new_text, kind=lint_kind, config=only_cta)
        except ValueError:
            return None
        names = {f.name for f in probe}
        if not self.serious_tone and len(self.text.split()) < 80:
            return None  # a short friendly letter stays short
        extra: list[str] = []
        if "call-to-action.missing" in names and not (
            _ASKS.search(self.text) or _ASKS.search(new_text)  # the rewrite may ask already
        ):
            what = self.what()
            by = self.by() or (
                " by " + self._own_field(_DUE_NAME) if self._own_field(_DUE_NAME) else ""
            )
            extra.append(f"Please pay {what}{by or self._slot_by()}.")
        if "call-to-action.no-payment-route" in names and not _OWN_ROUTE.search(self.text):
            if self.jinja:
                link, phone = self._route_field("payment.link"), self._route_field("company.phone")
                extra.append(f"You can pay online at {link} or call us on {phone}.")
            else:
                self.notes.append(
                    "the letter gives no way to pay or reply: add your payment link or phone number"
                )
        if "call-to-action.no-help-offer" in names and self.serious_tone:
            extra.append(
                "If paying is hard right now, please get in touch and we can agree a plan "
                "that works for you."
            )
        if not extra:
            return None
        at = self._body_end()
        if at is None:
            return None
        return Edit(at, at, "\n\n" + " ".join(extra))

    def _slot_by(self) -> str:
        """ " by [Due Date]" in a letter of slots that gives no date to pay by (a slot for the
        sender to fill, not an invented date; "" in any other letter)."""
        if not (self.jinja and _slot_style(self.text)):
            return ""
        if self._due_slot is None:
            own = self._own_field(_DUE_NAME)
            self._due_slot = " by " + (own or self._route_field("invoice.due_date"))
        return self._due_slot

    def _route_field(self, dotted: str) -> str:
        """A value the letter lacks: a variable with a sample value or, in a letter of slots
        to fill in ("[Name]", "<<Name>>", "(name)", "______"), a slot of its own kind."""
        v = self.v
        if v.has(dotted):
            return v.ref(dotted)
        style = _slot_style(self.text) if self.jinja else ""
        if style:
            words = _SLOT_NAMES[dotted]
            slot = {
                "bracket": f"[{words}]",
                "angle": f"<<{words}>>",
                "paren": f"({words.lower()})",
                "blank": "________",
            }[style]
            named = "" if style != "blank" else f" ({words.lower()})"
            self.notes.append(f"{slot} was not in the letter: fill it in{named}")
            return slot
        return v.sample(dotted)

    def _own_field(self, name: re.Pattern[str]) -> str:
        """The letter's own placeholder for a field (with a currency sign written before it)."""
        found = find_placeholders(self.text)
        for p in found:
            nested = any(q.start <= p.start and p.end <= q.end and q != p for q in found)
            if p.output and not nested and name.search(p.name):
                start = (
                    p.start - 1 if p.start > 0 and self.text[p.start - 1] in "£$€¥₹₱" else p.start
                )
                blank = next((q for q in found if q.end in (start, start - 1) and q.output), None)
                gap = self.text[blank.end : start] if blank is not None else "x"
                if blank is not None and not blank.name and not gap.strip():
                    start = blank.start  # "______ (mention amount)" is one slot: blank and label
                return self.text[start : p.end]
        return ""

    def _body_end(self) -> int | None:
        """Where the body's last paragraph ends (before the sign-off or signature block)."""
        text = self.text
        lines = text.split("\n")
        _, block = _find_signature(lines)
        offsets = [0]
        for ln in lines:
            offsets.append(offsets[-1] + len(ln) + 1)
        ends = [
            offsets[i] + len(lines[i].rstrip())
            for i in range(min(block, len(lines)) - 1, -1, -1)
            if lines[i].strip()
        ]
        ends = [e for e in ends if not self.frozen.overlaps(e - 1, e)]
        if len(ends) > 1 and _COURTESY.match(text[text.rfind("\n", 0, ends[0]) + 1 : ends[0]]):
            return ends[1]  # before a closing "Thank you for your attention to this matter."
        return ends[0] if ends else None


def _apply(text: str, edits: list[Edit]) -> str:

    return apply_edits(text, edits)[0]


def _source_edits(source: str, omap: OffsetMap, visible: str, edits: list[Edit]) -> list[Edit]:
    """Map edits of the visible text into the source, touching only text between tags:
    a span that crosses markup is diffed, and each changed stretch lands in its own run of
    text, so every tag, link and attribute stays."""
    import difflib
    import html as html_mod

    starts, ends = omap.starts, omap.ends
    n = len(starts)

    def is_text(i: int) -> bool:
        return 0 <= i < n and source[starts[i] : starts[i] + 1] != "<"

    def point(i: int) -> int:
        """The source position just after visible character ``i - 1`` (an insertion point)."""
        j = i - 1
        while j >= 0 and not is_text(j):
            j -= 1
        if j >= 0:
            return ends[j]
        k = i
        while k < n and not is_text(k):
            k += 1
        return starts[k] if k < n else len(source)

    out: list[Edit] = []

    def put(a: int, b: int, rep: str) -> None:
        rep = html_mod.escape(rep, quote=False).replace("\n", " ")
        runs: list[list[int]] = []
        for i in range(a, b):
            if not is_text(i):
                continue
            if runs and runs[-1][1] == i and starts[i] == ends[i - 1]:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1])
        if not runs:
            if rep:
                p = point(a)
                out.append(Edit(p, p, rep))
            return
        in_link = [_inside_link(source, starts[x]) for x, _ in runs]
        free = [k for k in range(len(runs)) if not in_link[k]] or list(range(len(runs)))
        main = max(
            free, key=lambda k: runs[k][1] - runs[k][0]
        )  # the new words go in the longest run
        split = _FIRST_SENTENCE.match(rep)
        stressed = bool(
            main != 0 and not in_link[0] and split and _opens_emphasis(source, starts[runs[0][0]])
        )  # "<strong>You need to pay now</strong>, or ...": the first new sentence (the ask)
        # keeps the stress, the rest goes where the longest run was
        for k, (x, y) in enumerate(runs):
            if k != main and in_link[k]:
                continue  # a link's text stays: the reader still needs "Make a payment"
            if stressed and split:
                new = split.group(1) if k == 0 else " " + split.group(2) if k == main else ""
            else:
                new = rep if k == main else ""
            out.append(Edit(starts[x], ends[y - 1], new))

    links: list[tuple[int, int]] | None = None  # the source spans of link text, found once

    for e in edits:
        asked = e  # as the plan wrote it, before its shared ends are trimmed
        old = visible[e.start : e.end]
        if (
            old and e.replacement
        ):  # what is the same at either end stays where it is (a line break in the markup)
            k = 0
            while k < min(len(old), len(e.replacement)) and old[k] == e.replacement[k]:
                k += 1
            j = 0
            while (
                j < min(len(old), len(e.replacement)) - k and old[-1 - j] == e.replacement[-1 - j]
            ):
                j += 1
            rep = e.replacement

            def inside_word(t: str, i: int) -> bool:
                return 0 < i < len(t) and t[i - 1].isalnum() and t[i].isalnum()

            while k and (inside_word(old, k) or inside_word(rep, k)):
                k -= 1  # the ends kept are whole words ("payment", not "paymen" + "t")
            while j and (inside_word(old, len(old) - j) or inside_word(rep, len(rep) - j)):
                j -= 1
            if k or j:
                e = Edit(e.start + k, e.end - j, e.replacement[k : len(e.replacement) - j])
                old = visible[e.start : e.end]
        if e.start == e.end and not e.replacement:
            continue
        if e.start == e.end and old == "" and not e.replacement.startswith("\n\n"):
            p = point(e.start)
            out.append(Edit(p, p, html_mod.escape(e.replacement, quote=False).replace("\n", " ")))
            continue
        if e.start == e.end:
            p = point(e.start)
            rep = html_mod.escape(e.replacement.strip(), quote=False).replace("\n", " ")
            close = _BLOCK_END.search(source, p)
            if (
                e.replacement.startswith("\n\n") and close
            ):  # an added paragraph: after the block, as a <p>
                out.append(Edit(close.end(), close.end(), "\n<p>" + rep + "</p>"))
            else:
                out.append(Edit(p, p, " " + rep if e.replacement[:1].isspace() else rep))
            continue
        simple = all(
            is_text(i) and (i == e.start or starts[i] == ends[i - 1]) for i in range(e.start, e.end)
        )
        if simple:
            put(e.start, e.end, e.replacement)
            continue
        a_words, b_words = _WORDS.findall(old), _WORDS.findall(e.replacement)
        sm = difflib.SequenceMatcher(
            a=[w.lower() for w in a_words], b=[w.lower() for w in b_words], autojunk=False
        )
        if sm.ratio() < 0.6:
            if links is None:
                links = _link_spans(source)
            if not _keeps_link_text(links, starts, visible, asked):
                put(e.start, e.end, e.replacement)  # a sentence replaced: not spread over markup
                continue
        a_at = [0]
        for w in a_words:
            a_at.append(a_at[-1] + len(w))
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                if a_words[i1:i2] == b_words[j1:j2]:
                    continue
                for k in range(i2 - i1):  # a change of case, word by word, in the word's own run
                    if a_words[i1 + k] != b_words[j1 + k]:
                        put(e.start + a_at[i1 + k], e.start + a_at[i1 + k + 1], b_words[j1 + k])
                continue
            rep = "".join(b_words[j1:j2])
            if i1 == i2:
                p = point(e.start + a_at[i1])
                out.append(Edit(p, p, html_mod.escape(rep, quote=False).replace("\n", " ")))
            else:
                put(e.start + a_at[i1], e.start + a_at[i2], rep)
    return sorted(out, key=lambda x: (x.start, x.end))


def _link_spans(source: str) -> list[tuple[int, int]]:
    """Where the text of each ``<a>`` element runs in the source (as `_inside_link` reads it)."""
    out = []
    for m in re.finditer(r"<a[ >]", source):
        close = source.find("</a", m.end())
        out.append((m.start(), len(source) if close == -1 else close))
    return out


def _keeps_link_text(
    links: list[tuple[int, int]], starts: Sequence[int], visible: str, e: Edit
) -> bool:
    """The replacement still says the text of a link inside the edited stretch ("Pay by
    <date> at <a>Make a payment</a>" with its threat cut): the change is spread word by word,
    so the link keeps its text and nothing is said twice."""
    opened = [a for a, _ in links]

    def in_link(pos: int) -> bool:
        k = bisect_right(opened, pos - 1) - 1
        return k >= 0 and pos <= links[k][1]

    texts, run = [], []
    for i in range(e.start, e.end):
        if i < len(starts) and in_link(starts[i]):
            run.append(visible[i])
        elif run:
            texts.append("".join(run).strip())
            run = []
    if run:
        texts.append("".join(run).strip())
    return any(t and t in e.replacement for t in texts)


_BLOCK_END = re.compile(r"</(?:p|div|td|li|h[1-6]|blockquote)\s*>", re.I)
_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _inside_link(source: str, pos: int) -> bool:
    """Whether ``pos`` is in the text of an ``<a>`` element."""
    opened = max(source.rfind("<a ", 0, pos), source.rfind("<a>", 0, pos))
    return opened != -1 and source.rfind("</a", opened, pos) == -1


_EMPHASIS_OPEN = re.compile(r"<(strong|b|em|u)(?:\s[^>]*)?>$", re.I)
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])\s+(?=[A-Z])(.+)$", re.S)


def _opens_emphasis(source: str, pos: int) -> bool:
    """Whether the text at ``pos`` starts right after an opening ``<strong>``, ``<b>``,
    ``<em>`` or ``<u>`` tag (what the writer stressed, often the ask itself)."""
    return _EMPHASIS_OPEN.search(source, 0, pos) is not None


def _passages(text: str, edits: list[Edit]) -> list[tuple[str, str]]:
    """(original line, rewritten line) for every line an edit touched."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(edits):
        ls = text.rfind("\n", 0, edits[i].start) + 1
        le = text.find("\n", edits[i].start)
        le = len(text) if le == -1 else le
        group = []
        while i < len(edits) and edits[i].start <= le:
            group.append(edits[i])
            le = max(
                le,
                text.find("\n", edits[i].end - 1)
                if text.find("\n", edits[i].end - 1) != -1
                else len(text),
            )
            i += 1
        local = [Edit(e.start - ls, min(e.end, le) - ls, e.replacement) for e in group]
        out.append((text[ls:le], _apply(text[ls:le], local).strip("\n")))
    return out


def _departments(config: Config | None) -> re.Pattern[str]:
    """What names a department in a sign-off, as LL502 (the department-signature check)
    defines it in its rule file: "Credit Control", "The Billing Team" are not a person."""
    return _departments_of(get_linter(config))


@lru_cache(maxsize=8)
def _departments_of(linter: Linter) -> re.Pattern[str]:
    # keyed by the linter, which `get_linter` replaces when a rule file changes
    for r in linter.all_rules:
        if r.check == "department-signature" and r.compiled.get("departments") is not None:
            return r.compiled["departments"]
    return re.compile(r"(?!)")  # no such rule loaded: nothing is a department


def _find_signature(lines: list[str]) -> tuple[int | None, int]:
    """The sign-off line (if any) and where the signature block starts.

    Without a sign-off, a last paragraph of one to six short lines with no sentence
    punctuation ("Credit Control Department", a name, e-mail, phone and address, or a
    "[signature block]" slot) is the signature.
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
    block = [ln.strip() for ln in lines[first : last + 1]]
    if 1 <= len(block) <= 6 and all(
        (len(b) < 60 or re.fullmatch(r"\[[^\]]{1,100}\]", b)) and not re.search(r"[.!?:]$", b)
        for b in block
    ):
        return None, first
    return None, len(lines)


def _notice_form_spans(text: str) -> list[tuple[int, int]]:
    """The lines of a CCA default notice's prescribed form (none in any other letter): their
    words are kept, and only their capitals may change."""
    if not _DEFAULT_NOTICE.search(text):
        return []
    out = []
    for m in _DEFAULT_NOTICE_FORM.finditer(text):
        b = text.find("\n", m.end())
        out.append((text.rfind("\n", 0, m.start()) + 1, len(text) if b == -1 else b))
    return out


def _frozen_spans(
    src: SourceText, config: Config | None, prescribed: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """`letterlint: off` regions and prescribed wording (what this module recognises, and
    ``prescribed``: `FileResult.prescribed` source spans from the compliance packs), in
    visible-text offsets."""

    text = src.text
    out: list[tuple[int, int]] = []
    regions = [
        *parse_suppressions(src.source, src.kind, get_linter(config).all_rules).regions,
        *prescribed,
    ]
    out += [src.to_text(s, e) for s, e in regions]
    out += _notice_form_spans(text)  # a CCA default notice: its prescribed form stays whole
    paragraphs: set[int] = set()  # a paragraph with several statements is kept once
    for m in _REQUIRED.finditer(text):
        if _STATEMENT.search(m.group(0)):  # a statement: its sentence
            a = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
            ends = [i for i in (text.find(c, m.end()) for c in ".!?\n") if i != -1]
            out.append((a, min(ends) + 1 if ends else len(text)))
        else:  # a notice's wording hangs together: its whole paragraph, bar a threat of suit
            a = text.rfind("\n", 0, m.start()) + 1
            if a in paragraphs:
                continue
            paragraphs.add(a)
            b = text.find("\n", m.end())
            out += _without_suit_threats(text, a, len(text) if b == -1 else b)
    return out


def _without_suit_threats(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` less its sentences that threaten suit and state nothing the notice
    requires (`_SUIT`, `_REQUIRED`)."""
    out, a = [], start
    for m in re.finditer(r"[^.!?]*(?:[.!?]+|$)\s*", text[start:end]):
        s, e = start + m.start(), start + m.end()
        if s == e:
            break
        sentence = text[s:e]
        if _SUIT.search(sentence) and not _REQUIRED.search(sentence):
            if a < s:
                out.append((a, s))
            a = e
    if a < end:
        out.append((a, end))
    return out


_LINT_KIND = {
    "markdown": "markdown",
    "jinja": "jinja",
    "handlebars": "handlebars",
    "mustache": "mustache",
    "liquid": "liquid",
}


def rewrite_text(
    text: str,
    *,
    kind: str = "text",
    config: Config | None = None,
    facts_text: str | None = None,
    path: str | None = None,
    template: bool = True,
    prescribed: Sequence[tuple[int, int]] = (),
    linted: LintedLetter | None = None,
    linter: Linter | None = None,
    _round: int = 1,
    _context: dict[str, Any] | None = None,
) -> Rewrite:
    """Rewrite a letter (text, markdown, html, a template, or an e-mail's text) in its own format.

    ``facts_text`` is where to look for the amount and due date when they are not in
    ``text`` itself (a .docx body whose amount sits in a table). ``template=False`` keeps
    every value as written (no schema variables), as for an e-mail that is sent as it is.
    ``prescribed`` are source spans of wording a compliance pack prescribes
    (`FileResult.prescribed` of this text): they are kept verbatim. ``linted`` is the
    letter as a check already linted it (the audit's pages): the rewrite takes it as its
    first lint when it linted this very text as this kind; else the letter is linted with
    ``linter`` (the check's, with its context file), or the linter of ``config``.
    Raises ValueError naming ``path`` for a letter that cannot be read.
    """
    shown = path or "<text>"
    if kind == "eml":
        return rewrite_eml(text.encode("utf-8"), config=config, path=shown)
    try:
        src = read_text(text, shown, kind)
    except ReadError as exc:
        raise ValueError(f"{shown}: {exc.message}") from None
    visible = src.text
    jinja = template and kind not in ("handlebars", "mustache", "liquid") and _jinja_ready(text)
    style = "" if jinja else placeholder_style(text)
    lint_kind = _LINT_KIND.get(kind, "text") if kind != "jinja" or jinja else "text"
    if linted is None or not _linted_as(linted, visible, lint_kind):
        # one lint of the letter: its findings, and its analysis for the sentences
        try:
            linted = _lint_with(visible, lint_kind, shown, config, linter)
        except ValueError:
            lint_kind = "text"
            linted = _lint_with(visible, "text", shown, config, linter)
    findings = list(linted.result.findings)
    analysis = linted.analyses[0] if len(linted.analyses) == 1 else None
    plan = _Plan(
        visible,
        findings,
        jinja=jinja,
        style=style,
        frozen=_frozen_spans(src, config, prescribed),
        facts_text=facts_text,
        config=config,
        analysis=analysis,
        plain=src.offsets is None,
    )
    for group, values in (_context or {}).items():  # a second round keeps what the first found
        if isinstance(values, dict):
            plan.v.context.setdefault(group, {}).update(values)
        else:  # a plain variable ("{{ balance }}") the first round gave a sample value
            plan.v.context.setdefault(group, values)
    plan.sentences()
    plan.greeting(findings)
    plan.signature()
    plan.variables()
    edits = tidy_edits(visible, _non_overlapping(plan.edits))
    new_visible = _apply(visible, edits)
    extra = plan.additions(new_visible, lint_kind, html=kind == "html")
    if extra is not None:
        for e in edits:  # the body's last line may be going: the addition goes where it was
            if e.start < extra.start < e.end or (
                e.start < extra.start == e.end - 1 and not e.replacement
            ):
                extra = Edit(e.start, e.start, extra.replacement)
        edits = _non_overlapping(edits + [extra])
    original_facts = facts_of(visible)
    v = plan.v
    if src.offsets is None:
        out = _apply(visible, edits)
    else:
        out = _apply(src.source, _source_edits(src.source, src.offsets, visible, edits))
    out = _without_said_references(out)
    if not _SPACED_SENTENCES.search(visible):  # a sentence that went left its space behind
        out = _SPACED_SENTENCES.sub(" ", out)
    if kind == "html":
        out = _rewrite_titles(out, config)
        out = _drop_emptied(text, out)
    out = _BLANK_RUN.sub(lambda m: _blank_run(text, out, m), out)
    if not _PAY_PAYMENT.search(text):  # "remit full payment" became "pay full payment"
        out = _PAY_PAYMENT.sub(lambda m: m.group(1) + ("ay in full" if m.group(2) else "ay"), out)
    if not text.startswith("\n"):
        out = out.lstrip("\n")
    if not re.search(r"[ \t]\r?\n", text):  # a removal at a line's end leaves no trailing space
        out = re.sub(r"[ \t]+(?=\r?\n)", "", out)
    context: dict[str, Any] = {
        k: dict(val) if isinstance(val, dict) else val for k, val in v.context.items()
    }
    notes = list(plan.notes)
    if jinja:
        notes += _fill_context(out, context)
    rw = Rewrite(
        out,
        context,
        tuple(notes + v.notes),
        tuple(original_facts),
        tuple(_passages(visible, edits)),
        jinja=jinja,
    )
    rendered = rw.render()
    missing = [f for f in original_facts if f not in rendered]
    if missing:
        out = (
            out.rstrip("\n")
            + ("<p>" if kind == "html" else "\n\n")
            + "For reference: "
            + ", ".join(missing)
            + ("</p>" if kind == "html" else ".")
            + "\n"
        )
    out_kind = (
        kind
        if kind in ("html", "markdown", "handlebars", "mustache", "liquid")
        else ("jinja" if jinja else "text")
    )
    try:
        relint = _lint_with(out, out_kind, shown, config, linter).result
        left = tuple(f for f in relint.findings if f.category in TONE and f.severity in SERIOUS)
        score = relint.score
    except ValueError:
        left, score = (), None
    if (
        left and _round < 2 and out != text
    ):  # a fix that waited behind an overlapping one gets its turn
        kept = [
            (i, i + len(t)) for t in (text[s:e] for s, e in prescribed) if (i := out.find(t)) >= 0
        ]
        again = rewrite_text(
            out,
            kind=kind,
            config=config,
            path=path,
            template=template,
            prescribed=kept,
            linter=linter,
            _round=_round + 1,
            _context=context,
        )
        if len(again.unrewritten) < len(left):
            notes2 = tuple(
                n for n in again.notes if n not in rw.notes and "original template" not in n
            )
            return Rewrite(
                again.template,
                {**context, **again.context},
                rw.notes + notes2,
                rw.facts,
                rw.passages + again.passages,
                again.unrewritten,
                again.score,
                jinja,
            )
    return Rewrite(out, context, rw.notes, rw.facts, rw.passages, left, score, jinja)


_SPACED_SENTENCES = re.compile(r"(?<=[.!?])  +(?=[A-Z])")
_REFERENCE_LIST = re.compile(r"(?P<lead> ?)For reference: (?P<items>[^\n<]*?)\.(?=\s|<|$)")


def _without_said_references(out: str) -> str:
    """Drop from each "For reference: ..." list the values the rewrite says elsewhere (an
    amount a later "Please pay [Amount]" names): the list only keeps what would be lost."""

    def shorter(m: re.Match[str]) -> str:
        items = m.group("items").split(", ")
        rest = out[: m.start()] + out[m.end() :]
        left = [i for i in items if len(i) < 3 or i not in rest]
        if len(left) == len(items):
            return m.group(0)
        return f"{m.group('lead')}For reference: {', '.join(left)}." if left else ""

    return _REFERENCE_LIST.sub(shorter, out)


_EMPTY_ELEMENT = re.compile(
    r"<(b|strong|i|em|u|span|font|small|h[1-6]|p)\b[^<>]*>(?:\s|&nbsp;)*</\1\s*>", re.I
)


def _drop_emptied(source: str, out: str) -> str:
    """An element whose text the rewrite removed (a threatening heading in ``<h3>`` or
    ``<b>``) goes too; empty elements the letter had already stay."""
    had: dict[str, int] = {}
    for m in _EMPTY_ELEMENT.finditer(source):
        had[m.group(0)] = had.get(m.group(0), 0) + 1

    for _ in range(3):  # <p><b></b></p> empties from the inside out
        left = dict(had)

        def one(m: re.Match[str], left: dict[str, int] = left) -> str:
            if left.get(m.group(0), 0) > 0:
                left[m.group(0)] -= 1
                return m.group(0)
            return ""

        new = _EMPTY_ELEMENT.sub(one, out)
        if new == out:
            break
        out = new
    return out


_TITLE = re.compile(r"(<title\b[^>]*>)(.*?)(</title\s*>)", re.I | re.S)
#: What a threatening title becomes when no plain rewording exists (written for letterlint).
_NEUTRAL_TITLE = "About your account"


def _rewrite_titles(source: str, config: Config | None) -> str:
    """An HTML letter's ``<title>`` is what the reader sees as its subject, though the linter
    reads only the body: it gets the same word fixes as the body (sentence case, plain words),
    and a title that still threatens becomes a neutral one. Template code in it is kept."""

    def one(m: re.Match[str]) -> str:
        raw = m.group(2)
        title = " ".join(_html.unescape(raw).split())
        if not title or find_placeholders(title):
            return m.group(0)
        try:
            found = [f for f in check_text(title, kind="text", config=config) if f.category in TONE]
        except ValueError:
            return m.group(0)
        edits: list[Edit] = []
        for f in found:
            got = _word_edits(f, title, " soon", config)
            if got is None and f.severity in SERIOUS:
                return m.group(1) + _NEUTRAL_TITLE + m.group(3)
            edits += got or []
        new = _apply(title, _non_overlapping(edits)).strip()
        if not new or new == title:
            return m.group(0)
        return m.group(1) + _html.escape(new, quote=False) + m.group(3)

    return _TITLE.sub(one, source)


_PAY_PAYMENT = re.compile(r"\b(p|P)ay (?:(?:the |your )?(full) |the |your )?payments?\b")
_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){2,}")


def _blank_run(source: str, out: str, m: re.Match[str]) -> str:
    """Two or more blank lines the letter had before what follows them stay; those left
    where a paragraph was removed become one."""
    run = m.group(0)
    follows = out[m.end() : m.end() + 40].split("\n", 1)[0]
    precedes = out[max(0, m.start() - 40) : m.start()].rsplit("\n", 1)[-1]
    if (follows and run + follows in source) or (precedes and precedes + run in source):
        return run
    return "\n\n"


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    last = -1
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if out and e.start < last and not e.replacement and not out[-1].replacement:
            out[-1] = Edit(
                out[-1].start, max(last, e.end), ""
            )  # two removals that touch become one
            last = out[-1].end
            continue
        if e.start < last or (out and e.start == e.end == out[-1].start == out[-1].end):
            continue
        out.append(e)
        last = e.end
    return out


def _fill_context(template: str, context: dict[str, Any]) -> list[str]:
    """Give every variable the template reads a value: the letter's own template fields
    get the schema's sample (or "[path]") and a note."""
    from jinja2.sandbox import SandboxedEnvironment

    notes: list[str] = []
    for dotted in _used_paths(SandboxedEnvironment().parse(template)):
        node: dict[str, Any] = context
        parts = dotted.split(".")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part not in node:
                node[part] = _stand_in(dotted) if last else {}
                if last:
                    notes.append(
                        f"{dotted} is a field of the original template; "
                        "its context value is a stand-in"
                    )
            if not isinstance(node[part], dict):
                break
            node = node[part]
    return notes


_REWRITE_KIND = {
    "markdown": "markdown",
    "html": "html",
    "handlebars": "handlebars",
    "mustache": "mustache",
    "liquid": "liquid",
    "jinja": "jinja",
}


def _linted_as(linted: LintedLetter, text: str, kind: str) -> bool:
    """Whether ``linted`` is a lint of exactly ``text`` as ``kind``, in offsets of ``text``
    (so its findings can stand for the rewrite's own first lint)."""
    src = linted.source
    return (
        linted.result.error is None
        and src.kind == kind
        and src.offsets is None
        and src.source == text
        and src.text == text
    )


def _lint_with(
    text: str, kind: str, path: str, config: Config | None, linter: Linter | None
) -> LintedLetter:
    """Lint ``text`` with the caller's linter when there is one (`lint_letter_text` else)."""
    if linter is None:
        return lint_letter_text(text, kind=kind, path=path, config=config)
    try:
        src = read_text(text, path, kind)
    except ReadError as exc:
        raise ValueError(exc.message) from None
    linted = linter.lint_letter(src)
    if linted.result.error is not None:
        raise ValueError(f"{path}: {linted.result.error.message}")
    return linted


def rewrite_source(
    src: SourceText,
    *,
    config: Config | None = None,
    prescribed: Sequence[tuple[int, int]] = (),
    linted: LintedLetter | None = None,
    linter: Linter | None = None,
) -> Rewrite:
    """Rewrite a letter as `readers` read it: text formats from their source (so the
    output keeps their format), .docx, .pdf, .odt and .eml from their visible text.
    ``prescribed`` is the letter's `FileResult.prescribed` (source spans kept verbatim);
    ``linted`` and ``linter`` are as for `rewrite_text`."""
    kind = _REWRITE_KIND.get(src.kind)
    if kind is None:
        shown = (
            prescribed if src.offsets is None else ()
        )  # source spans are visible spans only without a map
        return rewrite_text(
            src.text,
            kind="text",
            config=config,
            path=src.path,
            prescribed=shown,
            linted=linted,
            linter=linter,
        )
    return rewrite_text(
        src.source,
        kind=kind,
        config=config,
        path=src.path,
        prescribed=prescribed,
        linted=linted,
        linter=linter,
    )


def rewrite_eml(data: bytes, *, config: Config | None = None, path: str = "<email>") -> Rewrite:
    """Rewrite an e-mail: every text part (plain and HTML) is rewritten in its own format,
    the subject gets its word fixes; headers and the MIME structure stay."""
    import email
    import email.policy

    msg = email.message_from_bytes(data, policy=email.policy.default)
    notes: list[str] = []
    facts: list[str] = []
    passages: list[tuple[str, str]] = []
    left: list[Finding] = []
    context: dict[str, Any] = {}
    subject = str(msg.get("subject") or "")
    if subject:
        fixed = fix_text(subject, config=config, unsafe=True).text
        if fixed != subject:
            msg.replace_header("Subject", fixed)
    score = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text" or part.is_attachment():
            continue
        sub = part.get_content_subtype()
        if sub not in ("plain", "html"):
            continue
        body = part.get_content()
        rw = rewrite_text(
            body, kind="html" if sub == "html" else "text", config=config, path=path, template=False
        )
        cte = str(part.get("Content-Transfer-Encoding") or "").lower()
        if cte == "7bit" and not rw.template.isascii():
            cte = "quoted-printable"
        part.set_content(
            rw.template,
            subtype=sub,
            charset="utf-8",
            cte=cte if cte in ("7bit", "8bit", "quoted-printable", "base64") else None,
        )
        notes += [n for n in rw.notes if n not in notes]
        facts += [f for f in rw.facts if f not in facts]
        passages += rw.passages
        left += rw.unrewritten
        for k, val in rw.context.items():
            context.setdefault(k, {}).update(val)
        score = rw.score if score is None else min(score, rw.score or score)
    out = msg.as_bytes().decode(
        "utf-8", errors="replace"
    )  # as_string() would re-encode 8bit parts as base64
    return Rewrite(
        out, context, tuple(notes), tuple(facts), tuple(passages), tuple(left), score, False
    )


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

    for n in tree.find_all((nodes.Getattr, nodes.Name)):
        path = dotted_name(n, assigned)
        if path and not any(p.startswith(path + ".") for p in out) and path not in out:
            out = [p for p in out if not path.startswith(p + ".")] + [path]
    return out


_HB = [
    (re.compile(r"\{\{!--.*?--\}\}|\{\{!.*?\}\}", re.S), lambda m: ""),
    (re.compile(r"\{\{\s*#\s*if\s+([\w.]+)\s*\}\}"), lambda m: "{% if " + m.group(1) + " %}"),
    (
        re.compile(r"\{\{\s*#\s*unless\s+([\w.]+)\s*\}\}"),
        lambda m: "{% if not " + m.group(1) + " %}",
    ),
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
    unchanged paragraph is kept as it was; one whose only change is case keeps every run's
    formatting; a changed one keeps its style and its first run's formatting (without bold,
    capitals or colour, which the rewrite removes as shouting); new paragraphs copy the style
    of the one before. Headers, footers and tables are kept as they were. Placeholders are
    written as Jinja2 text (``{{ customer.first_name }}``), the form docxtpl fills.
    """
    import copy
    import difflib
    import io

    from docx import Document

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
        if text.lower() == p.text.lower() and sum(len(r.text) for r in runs) == len(text):
            at = 0  # only the case changed (a notice's statement): each run keeps its format
            for r in runs:
                r.text, at = text[at : at + len(r.text)], at + len(r.text)
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
        for extra in targets[len(lines) :]:
            extra._p.getparent().remove(extra._p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue(), rw
