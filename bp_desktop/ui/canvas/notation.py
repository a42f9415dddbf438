"""The lecture's symbols as plain text: s₂, a⁽³⁾, Θ⁽¹⁾, δ⁽²⁾ (no Qt)."""
_SUB = str.maketrans("0123456789+-()ijkt", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎ᵢⱼₖₜ")
_SUP = str.maketrans("0123456789+-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")


def sub(text) -> str:
    return str(text).translate(_SUB)


def sup(text) -> str:
    return str(text).translate(_SUP)


def layer_symbol(symbol: str, l: int) -> str:
    """'a', 3 -> 'a⁽³⁾' (the lecture's a^(3))."""
    return f"{symbol}{sup(f'({l})')}"


def fmt(value: float) -> str:
    """A number as the inspector prints it: 6 significant digits, a real minus sign."""
    text = f"{value + 0.0:.6g}"  # + 0.0 turns −0.0 into 0.0
    return text.replace("-", "−")


def count(number: int, noun: str) -> str:
    """3, 'output' -> '3 outputs'; 1, 'output' -> '1 output'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
