#!/usr/bin/env python3
"""Score letterlint JSON output against hand labels.
usage: score.py [labels.yaml] [result.json]"""

import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
labels_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "labels.yaml")
result_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "result.json")
LETTERS = os.path.join(HERE, "letters")
labels = {e["file"]: e for e in yaml.safe_load(open(labels_path))}
res = json.load(open(result_path))
by_file = {os.path.basename(f["path"]): f for f in res["files"]}
SERIOUS = {"warning", "error"}


def spans(text, phrase):
    return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]


def sentence(text, start, end):
    s = max(
        text.rfind("\n\n", 0, start), max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    )
    s = 0 if s < 0 else s + 1
    e = min([i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0] or [len(text)])
    return " ".join(text[s : e + 1].split())


def fstr(f):
    return f"{f['code']} {f['name']} [{f['severity']}] {f['text']!r}"


def overlap(a, b):
    return a[0] < b[1] and b[0] < a[1]


def phrase_recall(key, category):
    rows = {"strong": [0, 0], "mild": [0, 0], "none": [0, 0]}
    serious = 0
    misses, weak = [], []
    for name, lab in sorted(labels.items()):
        text = open(os.path.join(LETTERS, name)).read()
        fs = [f for f in by_file[name]["findings"] if f["category"] == category]
        for ph in lab[key]:
            sp = spans(text, ph)
            hits = [f for f in fs for s in sp if overlap(s, (f["start"], f["end"]))]
            lvl = lab["threat_level"] if key == "threats" else "strong"
            rows[lvl][1] += 1
            if hits:
                rows[lvl][0] += 1
                if any(f["severity"] in SERIOUS for f in hits):
                    serious += 1
                else:
                    weak.append((name, ph, hits))
            else:
                misses.append((name, ph, sentence(text, *sp[0])))
    return rows, serious, misses, weak


out = []
P = out.append

for key, cat, title in (
    ("threats", "threatening-tone", "THREAT"),
    ("jargon", "legal-jargon", "JARGON"),
):
    rows, serious, misses, weak = phrase_recall(key, cat)
    hit = sum(r[0] for r in rows.values())
    tot = sum(r[1] for r in rows.values())
    P(
        f"== {title} phrase recall (category {cat}): {hit}/{tot} = {hit / tot:.0%}; "
        f"hit at warning/error: {serious}/{tot} = {serious / tot:.0%}"
    )
    if key == "threats":
        for lvl, (h, t) in rows.items():
            if t:
                P(f"   letters threat_level={lvl}: {h}/{t}")
    P(f"   MISSED ({len(misses)}):")
    for n, ph, s in misses:
        P(f"     {n}: {ph!r}   | sentence: {s}")
    P(f"   hit only at info ({len(weak)}):")
    for n, ph, hs in weak:
        P(f"     {n}: {ph!r} <- " + "; ".join(fstr(h) for h in hs))

friendly = [n for n, l in sorted(labels.items()) if l["friendly_overall"]]
fa = {n: [f for f in by_file[n]["findings"] if f["severity"] in SERIOUS] for n in friendly}
fa = {n: v for n, v in fa.items() if v}
P(f"== friendly_overall letters with any warning/error: {len(fa)}/{len(friendly)}")
for n, v in fa.items():
    text = open(os.path.join(LETTERS, n)).read()
    for f in v:
        P(f"     {n}: {fstr(f)}   | sentence: {sentence(text, f['start'], f['end'])}")

none = [n for n, l in sorted(labels.items()) if l["threat_level"] == "none"]
tn = {
    n: [
        f
        for f in by_file[n]["findings"]
        if f["category"] == "threatening-tone" and f["severity"] in SERIOUS
    ]
    for n in none
}
tn = {n: v for n, v in tn.items() if v}
P(f"== threat_level=none letters with threatening-tone warning/error: {len(tn)}/{len(none)}")
for n, v in tn.items():
    for f in v:
        P(f"     {n}: {fstr(f)}")
ti = {
    n: [
        f
        for f in by_file[n]["findings"]
        if f["category"] == "threatening-tone" and f["severity"] == "info"
    ]
    for n in none
}
ti = {n: v for n, v in ti.items() if v}
P(f"   (info-level threatening-tone on threat-free letters: {len(ti)}/{len(none)})")
for n, v in ti.items():
    text = open(os.path.join(LETTERS, n)).read()
    for f in v:
        P(f"     {n}: {fstr(f)}   | sentence: {sentence(text, f['start'], f['end'])}")


def flag_acc(name, labkey, want_when):
    ok, bad = 0, []
    for n, l in sorted(labels.items()):
        got = any(f["name"] == name for f in by_file[n]["findings"])
        exp = l[labkey] == want_when
        if got == exp:
            ok += 1
        else:
            bad.append((n, "flagged but should not be" if got else "not flagged but should be"))
    P(f"== {name} accuracy vs {labkey}: {ok}/{len(labels)} = {ok / len(labels):.0%}")
    for n, why in bad:
        P(f"     {n}: {why}")


flag_acc("call-to-action.missing", "has_call_to_action", False)
flag_acc("personalisation.impersonal-salutation", "impersonal_salutation", True)

st_fa, st_miss = [], []
for n, l in sorted(labels.items()):
    fs = [f for f in by_file[n]["findings"] if f["category"] == "stigmatising-language"]
    text = open(os.path.join(LETTERS, n)).read()
    for f in fs:
        if not any(
            overlap((f["start"], f["end"]), s)
            for w in l["stigmatising_words"]
            for s in spans(text, w)
        ):
            st_fa.append((n, f))
    for w in l["stigmatising_words"]:
        if not any(overlap((f["start"], f["end"]), s) for f in fs for s in spans(text, w)):
            st_miss.append((n, w))
tot = sum(len(l["stigmatising_words"]) for l in labels.values())
P(
    f"== stigmatising-language: false alarms {len(st_fa)}; labelled words {tot}, "
    f"missed {len(st_miss)}"
)
for n, f in st_fa:
    P(f"     FA {n}: {fstr(f)}")
for n, w in st_miss:
    P(f"     MISS {n}: {w!r}")

# findings in threatening-tone / legal-jargon not overlapping any labelled phrase
# (possible false alarms)
P("== threatening-tone / legal-jargon findings overlapping no labelled phrase (all letters):")
for n, l in sorted(labels.items()):
    text = open(os.path.join(LETTERS, n)).read()
    for f in by_file[n]["findings"]:
        key = {"threatening-tone": "threats", "legal-jargon": "jargon"}.get(f["category"])
        if not key:
            continue
        if not any(overlap((f["start"], f["end"]), s) for ph in l[key] for s in spans(text, ph)):
            P(f"     {n}: {fstr(f)}   | sentence: {sentence(text, f['start'], f['end'])}")
print("\n".join(out))
