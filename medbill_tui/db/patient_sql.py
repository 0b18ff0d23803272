"""SQL text shared by the schema description (`db/schema`) and the patient queries: the keys
the duplicate check compares, so the index and the query are the same expression."""

from __future__ import annotations

ACCENTED = "àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿźżž"
PLAIN = "aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz"
"""Each accented letter (lower case) and the plain letter it compares as."""

assert len(ACCENTED) == len(PLAIN)


def name_key(expression: str) -> str:
    """`expression` (a column or a bind parameter) trimmed, in lower case, accents dropped:
    built-in immutable functions only, so an index can hold it."""
    return f"translate(lower(btrim({expression})), '{ACCENTED}', '{PLAIN}')"


def member_key(expression: str) -> str:
    """A member id as compared: trimmed, in upper case."""
    return f"upper(btrim({expression}))"
