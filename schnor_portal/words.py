"""Russian words that agree with a number. Pure Python: templates, e-mails and PDFs."""


def plural(n: int, one: str, few: str, many: str) -> str:
    """1 срок, 2 срока, 5 сроков, 11 сроков, 21 срок."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many
