"""Function words: words that carry no topic, so a query does not require them (unless quoted)."""

from __future__ import annotations

__all__ = ["FUNCTION_WORDS", "is_function_word"]

# Prepositions, conjunctions, plural and aspect markers, demonstratives: "vắc xin Covid-19 cho
# trẻ em" is about vaccines and children, whether or not an article says "cho". Words that can
# carry a topic alone (một, lần, người, năm...) are not here.
FUNCTION_WORDS = frozenset(
    "cho của và ở tại các những được về là với trong bị bởi đã đang sẽ thì mà để từ theo như khi "
    "cũng nhưng hay hoặc vì do nên rằng này đó ấy nào".split()
)


def is_function_word(word: str) -> bool:
    """Whether a pyvi word (lowercase) is a function word."""
    return word in FUNCTION_WORDS
