"""Worked arithmetic as a small document, written once and rendered three ways (no Qt).

Math is written in a LaTeX subset, in `$…$` inside text, the way course notes are
written. The same document renders to

- HTML for the screen (Qt's rich text: sub- and superscripts, Greek letters, italic
  variables), by the small converter `latex_to_html` below,
- Markdown with the math left in `$…$` (Copy as Markdown, the saved worked example),
- LaTeX: the same math, text escaped, tables as `tabular` (Copy as LaTeX).

The LaTeX subset is what the lecture's formulas need: Greek letters, `^{}`, `_{}`,
`\\frac{}{}`, `\\sum`, `\\cdot`, `\\odot`, `\\mathrm{}` / `\\text{}`, a few relations.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from html import escape, unescape

# --- building blocks of a document -------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str           # text with $…$ math
    level: int = 3


@dataclass(frozen=True)
class Para:
    text: str           # text with $…$ math


@dataclass(frozen=True)
class Math:
    latex: str          # one displayed formula (no dollars)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]               # cells: text with $…$ math
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Para | Math | Table


# --- numbers and symbols in the course's notation ----------------------------------------------
def num(value: float) -> str:
    """A number as LaTeX, 6 significant digits as the inspector prints them: 0.25,
    -1.5, 1.23457 \\times 10^{-5}."""
    value = float(value) + 0.0  # + 0.0 turns −0.0 into 0.0
    if not math.isfinite(value):
        return r"\infty" if value > 0 else (r"-\infty" if value < 0 else r"\mathrm{nan}")
    text = f"{value:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def sym(name: str, l: int | str | None = None, index: int | str | None = None) -> str:
    """The lecture's symbol with its layer and index: sym(r'\\delta', 3, 'j') -> \\delta^{(3)}_{j}."""
    text = name
    if l is not None:
        text += f"^{{({l})}}"
    if index is not None:
        text += f"_{{{index}}}"
    return text


def m(latex: str) -> str:
    """Inline math: $latex$."""
    return f"${latex}$"


# --- LaTeX subset -> HTML ----------------------------------------------------------------------
SYMBOLS = {
    "alpha": "α", "beta": "β", "delta": "δ", "Delta": "Δ", "Theta": "Θ", "theta": "θ",
    "lambda": "λ", "mu": "μ", "sigma": "σ", "Sigma": "Σ", "sum": "Σ", "epsilon": "ε",
    "cdot": "·", "times": "×", "odot": "⊙", "top": "T", "ldots": "…", "dots": "…",
    "cdots": "⋯", "ne": "≠", "neq": "≠", "le": "≤", "ge": "≥", "to": "→", "in": "∈",
    "approx": "≈", "leftarrow": "←", "rightarrow": "→", "infty": "∞", "partial": "∂",
    "quad": "\u2003", "qquad": "\u2003\u2003", ",": "\u2009", ";": " ", ":": " ", "!": "",
    "{": "{", "}": "}", "%": "%", "_": "_", "&": "&", "prime": "′", "mid": "|", "lvert": "|",
    "rvert": "|", "lVert": "‖", "rVert": "‖", "left": "", "right": "", "big": "", "Big": "",
    "sqrt": "√", "max": "max", "min": "min", "log": "log", "exp": "exp",
}
UPRIGHT = ("mathrm", "text", "operatorname", "mathbf")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_]|\s+|[A-Za-z]|\d+(?:\.\d+)?|.", re.S)


@functools.lru_cache(maxsize=4096)  # the same symbols come back at every step
def latex_to_html(latex: str) -> str:
    """The subset of LaTeX this module writes, as Qt rich text. Unknown commands show
    their name rather than vanish."""
    tokens = _TOKEN.findall(latex)
    html, _ = _group(tokens, 0, italic=True, until=None)
    return html


def _group(tokens: list[str], k: int, italic: bool, until: str | None) -> tuple[str, int]:
    out = []
    while k < len(tokens):
        token = tokens[k]
        if token == until:
            return "".join(out), k + 1
        piece, k = _atom(tokens, k, italic)
        if piece in ("^", "_"):
            argument, k = _atom(tokens, k, italic)
            tag = "sup" if piece == "^" else "sub"
            out.append(f"<{tag}>{argument}</{tag}>")
        else:
            out.append(piece)
    return "".join(out), k


def _atom(tokens: list[str], k: int, italic: bool) -> tuple[str, int]:
    """One atom and the index after it; '^' and '_' come back as themselves."""
    if k >= len(tokens):
        return "", k
    token = tokens[k]
    if token == "{":
        return _group(tokens, k + 1, italic, "}")
    if token in ("^", "_"):
        return token, k + 1
    if token.startswith("\\") and len(token) > 1:
        name = token[1:]
        if name == "frac":
            top, k = _atom(tokens, k + 1, italic)
            bottom, k = _atom(tokens, k, italic)
            return f"{_wrapped(top)}/{_wrapped(bottom)}", k
        if name in UPRIGHT:
            text, k = _atom(tokens, k + 1, False)
            return (f"<b>{text}</b>" if name == "mathbf" else text), k
        return escape(SYMBOLS.get(name, name)), k + 1
    if token.isspace():
        return " ", k + 1
    if token == "-":
        return "−", k + 1
    if token == "'":
        return "′", k + 1
    if italic and token.isalpha():
        return f"<i>{token}</i>", k + 1
    return escape(token), k + 1


def _wrapped(html: str) -> str:
    """A fraction's part, in parentheses when it is more than one symbol."""
    plain = re.sub(r"<[^>]+>", "", html)
    return html if re.fullmatch(r"[\w.′]+", plain) else f"({html})"


# --- text with $…$ math --------------------------------------------------------------------------
_MATH = re.compile(r"\$([^$]*)\$")


def text_to_html(text: str) -> str:
    """Text with $…$ math as rich text: the text escaped, the math typeset."""
    pieces, last = [], 0
    for match in _MATH.finditer(text):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(latex_to_html(match.group(1)))
        last = match.end()
    pieces.append(escape(text[last:]))
    return "".join(pieces)


_LATEX_TEXT = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
               "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
               "—": "---", "–": "--", "…": r"\ldots{}", "’": "'", "×": r"$\times$",
               "−": "-", "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "→": r"$\to$",
               "·": r"$\cdot$", "|": r"$|$", "<": r"$<$", ">": r"$>$"}


def text_to_latex(text: str) -> str:
    pieces, last = [], 0
    for match in _MATH.finditer(text):
        pieces.append("".join(_LATEX_TEXT.get(c, c) for c in text[last:match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append("".join(_LATEX_TEXT.get(c, c) for c in text[last:]))
    return "".join(pieces)


def text_to_markdown(text: str) -> str:
    """Markdown's special characters outside the math escaped; the math as it is."""
    pieces, last = [], 0
    for match in _MATH.finditer(text):
        pieces.append(re.sub(r"([\\`*_\[\]|<>#])", r"\\\1", text[last:match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(re.sub(r"([\\`*_\[\]|<>#])", r"\\\1", text[last:]))
    return "".join(pieces)


# --- whole documents -------------------------------------------------------------------------------
def to_html(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<p style='font-weight:bold'>{text_to_html(block.text)}</p>")
        elif isinstance(block, Para):
            out.append(f"<p>{text_to_html(block.text)}</p>")
        elif isinstance(block, Math):
            out.append(f"<p style='font-size:large; margin-left:12px'>{latex_to_html(block.latex)}</p>")
        else:
            head = "".join(f"<th>{text_to_html(cell)}</th>" for cell in block.header)
            rows = "".join("<tr>" + "".join(f"<td align='right'>{text_to_html(cell)}</td>" for cell in row)
                           + "</tr>" for row in block.rows)
            out.append("<table cellspacing='0' cellpadding='3' border='1' "
                       f"style='border-collapse:collapse'><tr>{head}</tr>{rows}</table>")
    return "".join(out)


def to_markdown(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {text_to_markdown(block.text)}")
        elif isinstance(block, Para):
            out.append(text_to_markdown(block.text))
        elif isinstance(block, Math):
            out.append(f"${block.latex}$")
        else:
            lines = ["| " + " | ".join(text_to_markdown(c) for c in block.header) + " |",
                     "|" + "---:|" * len(block.header)]
            lines += ["| " + " | ".join(text_to_markdown(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def to_latex(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            command = "subsection*" if block.level <= 2 else "paragraph"
            out.append(f"\\{command}{{{text_to_latex(block.text)}}}")
        elif isinstance(block, Para):
            out.append(text_to_latex(block.text))
        elif isinstance(block, Math):
            out.append(f"\\[ {block.latex} \\]")
        else:
            lines = [f"\\begin{{tabular}}{{{'r' * len(block.header)}}}",
                     " & ".join(text_to_latex(c) for c in block.header) + r" \\ \hline"]
            lines += [" & ".join(text_to_latex(c) for c in row) + r" \\" for row in block.rows]
            lines.append(r"\end{tabular}")
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def to_plain(blocks: list[Block]) -> str:
    """What the screen shows, as plain text (status lines, tests)."""
    return unescape(re.sub(r"<[^>]+>", "", to_html(blocks).replace("</p>", "\n").replace("</tr>", "\n")
                           .replace("</td>", " ").replace("</th>", " ")))
