"""The fixed parts of a letter that several steps look for: greeting and sign-off lines."""

from __future__ import annotations

import re

#: The words a greeting line opens with ("Dear", "Hello", "Good morning", "To whom ...").
GREETING_WORDS = r"dear|hello|hi|hey|good\s+(?:morning|afternoon|evening)|to\s+whom|greetings"
#: A greeting line's first words: where the engine's letter body starts.
GREETING = re.compile(rf"^\W*(?:{GREETING_WORDS})\b", re.I)

#: A sign-off on a line of its own ("Yours sincerely,", "Kind regards", "Thank you,").
SIGN_OFF = re.compile(
    r"^\W*(?:yours\s+(?:sincerely|faithfully|truly|respectfully|cordially)|yours\s*[._]{3,}|"
    r"(?:very\s+)?(?:truly|sincerely|faithfully|cordially)\s+yours|"
    r"(?:respectfully|cordially)(?:\s+yours)?|(?:kind|best|warm|many)\s+(?:regards|wishes|thanks)|"
    r"regards|sincerely|thanks|thank\s+you|with\s+thanks|best)\s*,?\s*$",
    re.I,
)
