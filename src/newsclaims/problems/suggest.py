"""Near matches for a hint: "did you mean `reuters`?", by case and edit distance."""

from __future__ import annotations

FEW = 12  # a vocabulary this small is listed whole in a hint


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, with a swap of two neighbours counted as one edit (optimal string alignment)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def near_matches(word: str, choices, limit: int = 3) -> list[str]:
    """The choices nearest to word: equal but for case first, then by edit distance (at most a third of
    the word's length, at least 1, case ignored); in choice order on a tie."""
    choices = list(dict.fromkeys(choices))
    folded = word.casefold()
    same_case_folded = [c for c in choices if c.casefold() == folded and c != word]
    budget = max(1, len(word) // 3)
    scored = sorted(((edit_distance(folded, c.casefold()), i, c) for i, c in enumerate(choices)
                     if c != word and c not in same_case_folded), key=lambda t: (t[0], t[1]))
    return (same_case_folded + [c for d, _, c in scored if d <= budget])[:limit]


def did_you_mean(word: str, choices, what: str = "value") -> str:
    """ 'Did you mean `x`?' and, when the choices are few, all of them; "" when there is nothing to say."""
    choices = list(dict.fromkeys(choices))
    near = near_matches(word, choices)
    parts = []
    if near:
        parts.append("Did you mean " + " or ".join(f"`{c}`" for c in near) + "?")
    if 0 < len(choices) <= FEW:
        parts.append(f"The {what}s are: " + ", ".join(f"`{c}`" for c in choices) + ".")
    return " ".join(parts)
