"""Generate N varied collection letters of 100-300 words, deterministically.

Letters mix friendly and hostile sentences, names, amounts, dates and references, so no
two are alike (textstat and the tokenizer cache per text; identical copies would flatter
every tool).
"""

from __future__ import annotations

import random
from pathlib import Path

FIRST = [
    "Amara",
    "Sam",
    "Priya",
    "Tom",
    "Linh",
    "Carlos",
    "Hannah",
    "Daniel",
    "Grace",
    "Oliver",
    "Maya",
    "Yusuf",
    "Ewa",
    "Kofi",
    "Aisha",
    "Liam",
    "Sofia",
    "Noah",
    "Zara",
    "Ibrahim",
]
LAST = [
    "Okafor",
    "Patel",
    "Hughes",
    "Nguyen",
    "Romero",
    "Mercer",
    "Price",
    "Whitfield",
    "Shah",
    "Kowalski",
    "Mensah",
    "Ahmed",
    "Brennan",
    "Silva",
    "Davies",
    "Chen",
    "Murphy",
    "Jones",
    "Evans",
    "Khan",
]
COMPANY = [
    "Northwind Energy",
    "Brightwater Utilities",
    "Maple Street Water",
    "CloudLedger",
    "Thornbury Leisure",
    "Kestrel Home Improvements",
    "Harbour Dental",
    "Acme Broadband",
    "Fernside Housing",
    "Orbit Mobile",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
GREET_GOOD = [
    "Dear {first},",
    "Dear {first} {last},",
    "Hello {first},",
    "Dear Ms {last},",
    "Dear Mr {last},",
    "Hi {first},",
]
GREET_BAD = [
    "Dear Sir/Madam,",
    "Dear Customer,",
    "To whom it may concern,",
    "Dear Valued Customer,",
    "Dear Debtor,",
]
FRIENDLY = [
    "We are writing about your {company} bill for {month}.",
    "Our records show that invoice {ref} for {amount} has not been paid yet.",
    "It is easy to miss a bill, and we know things can get busy.",
    "Please pay {amount} by {day} {month} {year}.",
    "You can pay online at https://pay.example.com/{ref} or call us on 0300 123 {phone}.",
    "If paying is hard right now, please call us and we will set up a plan that works for you.",
    "You can also get free, confidential advice from an independent debt charity.",
    "If you think this bill is wrong, reply to this letter and we will check it.",
    "If you have already paid, thank you, and please ignore this letter.",
    "We can also spread the cost over smaller monthly payments.",
    "Talking to us early gives you more options, and it costs nothing.",
    "Your account number is {acct} if you need it when you call.",
    "Our team is open from 8am to 8pm on weekdays and 9am to 1pm on Saturdays.",
    "Thank you for being a customer of {company} for the last {years} years.",
]
HOSTILE = [
    "We hereby notify you that the sum of {amount} remains outstanding on account {acct}.",
    "Pursuant to the terms of your agreement, you are required to remit payment forthwith.",
    "Failure to pay will result in your account being passed to our debt recovery agents.",
    "If you do not pay within 7 days we will pass your account to a collection agency.",
    "We will have no choice but to commence legal proceedings against you without further notice.",
    "Bailiffs may attend your home to seize goods to the value of the debt.",
    "Your credit rating will be ruined and you may find it impossible to obtain credit in future.",
    "THIS IS YOUR FINAL DEMAND AND YOU MUST PAY IMMEDIATELY!!!",
    "As a debtor you should be aware that we may contact your employer about this matter.",
    (
        "Notwithstanding our previous correspondence, the aforementioned arrears have not been "
        "settled."
    ),
    (
        "In accordance with our terms and conditions, interest will continue to accrue on the "
        "outstanding balance."
    ),
    "You have ignored all of our previous letters regarding this delinquent account.",
    "Please be advised that payment must be made prior to {day} {month} to avoid further action.",
]
CLOSE_GOOD = [
    "Kind regards,\n{sfirst} {slast}\nCustomer Accounts Adviser, {company}",
    "Yours sincerely,\n{sfirst} {slast}\nBilling Team Leader",
]
CLOSE_BAD = [
    "Yours faithfully,\nCredit Control Department",
    "Regards,\nRecoveries",
    "Yours faithfully,\nLegal Department",
]


def letter(rng: random.Random) -> str:
    v = {
        "first": rng.choice(FIRST),
        "last": rng.choice(LAST),
        "sfirst": rng.choice(FIRST),
        "slast": rng.choice(LAST),
        "company": rng.choice(COMPANY),
        "month": rng.choice(MONTHS),
        "day": rng.randint(1, 28),
        "year": rng.choice([2025, 2026, 2027]),
        "amount": f"£{rng.randint(20, 4000)}.{rng.randint(0, 99):02d}",
        "ref": f"INV-{rng.randint(10000, 99999)}",
        "acct": f"AC-{rng.randint(100000, 999999)}",
        "phone": rng.randint(1000, 9999),
        "years": rng.randint(2, 15),
    }
    hostile = rng.random()
    greet = rng.choice(GREET_BAD if rng.random() < hostile else GREET_GOOD)
    target = rng.randint(100, 300)
    words = 0
    sentences: list[str] = []
    while words < target - 10:
        pool = HOSTILE if rng.random() < hostile else FRIENDLY
        s = rng.choice(pool).format(**v)
        sentences.append(s)
        words += len(s.split())
    paras = []
    while sentences:
        n = rng.randint(1, 4)
        paras.append(" ".join(sentences[:n]))
        sentences = sentences[n:]
    close = rng.choice(CLOSE_BAD if rng.random() < hostile else CLOSE_GOOD).format(**v)
    return "\n\n".join([greet.format(**v), *paras, close]) + "\n"


def write_corpus(folder: Path, n: int, seed: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        p = folder / f"letter{i:05d}.txt"
        p.write_text(letter(rng), encoding="utf-8")
        paths.append(p)
    return paths


if __name__ == "__main__":
    import sys

    write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
