r"""Request field types that mean what their JSON Schema says, and that the database can store.

FastAPI validates bodies in pydantic's lax mode, where ``true`` is the integer 1 and ``"5"`` is
5, so an OpenAPI ``integer`` accepted booleans and strings. Strict mode swings the other way
and refuses ``5.0``, which JSON Schema counts as an integer. ``JsonInt`` is exactly JSON
Schema's integer: a number without a fractional part.

PostgreSQL ``text`` cannot hold U+0000, so a NUL in a stored string was a 500. ``Text`` refuses
it (422) and documents that it does; patterns of other free-text fields exclude it too.

Patterns never use ``\s``: JSON Schema reads them as ECMA-262, where U+0085 and U+001C-U+001F
are not white space, while Python's ``str.strip`` and ``re`` treat them as white space. The
character classes below spell out both sets, so every reader agrees on what a pattern allows.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, StringConstraints

NO_NUL = r"^[^\x00]*$"
# White space for Python (str.isspace) or for ECMA-262 (JSON Schema): either way, not visible.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Text with something in it besides white space (what survives ``str.strip()``), and no NUL.
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"


def _json_integer(value: object) -> object:
    # bool is a subclass of int in Python, but `true` is no number in JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a whole number")
    return value  # pydantic then takes 5 and 5.0 and refuses 5.5


JsonInt = Annotated[int, BeforeValidator(_json_integer)]
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
