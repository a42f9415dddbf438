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


def fmt(value: float, digits: int = 6) -> str:
    """A number as the inspector prints it: 6 significant digits (or `digits`), a real minus sign."""
    text = f"{value + 0.0:.{digits}g}"  # + 0.0 turns −0.0 into 0.0
    return text.replace("-", "−")


def unit_names(feature_names, class_names, layer_sizes) -> list[list[str] | None]:
    """What each unit stands for, per layer: the input units are the features, the output
    units the classes (a single output unit for two classes estimates the second one's
    probability: "yes vs no"); hidden units have no name (None), nor do layers whose size
    does not match the names."""
    sizes = list(layer_sizes)
    names: list[list[str] | None] = [None] * len(sizes)
    if len(feature_names) == sizes[0]:
        names[0] = [str(name) for name in feature_names]
    classes = [str(name) for name in class_names]
    if sizes[-1] == 1 and len(classes) == 2:
        names[-1] = [f"{classes[1]} vs {classes[0]}"]
    elif sizes[-1] == len(classes):
        names[-1] = classes
    return names
