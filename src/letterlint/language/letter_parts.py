"""The fixed parts of a letter that several steps look for: greeting and sign-off lines."""

from __future__ import annotations

import re

#: A greeting line's first word ("Dear", "Hello", "To whom it may concern").
GREETING = re.compile(
    r"^\W*(?:dear|hello|hi|hey|good\s+(?:morning|afternoon|evening)|to\s+whom|greetings)\b", re.I
)

#: A sign-off on a line of its own ("Yours sincerely,", "Kind regards", "Thank you,").
SIGN_OFF = re.compile(
    r"^\W*(?:yours\s+(?:sincerely|faithfully|truly)|(?:kind|best|warm|many)\s+(?:regards|wishes|thanks)|"
    r"regards|sincerely|thanks|thank\s+you|with\s+thanks|best)\s*,?\s*$",
    re.I,
)
