"""AlgorithmView: the lecture's backpropagation slide, walked one line at a time.

The slide's lines typeset in the course's notation with the current one highlighted; the
step's worked arithmetic with the core's numbers; per layer, heatmaps of what the step
changes (Δ so far and the outer product just added, D's two parts, Θ before and after).
Keys: → / ← line, PgDn / PgUp example, Home, End (run the loop to its end); a slider
jumps to example t. The walk itself (workbench.algorithm.AlgorithmWalk) is Qt-free; this
widget only draws it and passes the keys on.
"""
from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QPen
from PySide6.QtWidgets import (QGraphicsRectItem, QHBoxLayout, QLabel, QSlider, QSplitter,
                               QTextBrowser, QToolButton, QVBoxLayout, QWidget)

from bp_desktop.workbench.algorithm import SLIDE, AlgorithmWalk
from bp_desktop.workbench.mathtext import latex_to_html, text_to_html, to_html
from bp_desktop.workbench.worked import Focus, cell_text, step_doc

from .canvas.layout import nice_scale
from .canvas.notation import fmt, unit_names
from .copy_buttons import CopyButtons
from .palette import AXIS_TEXT_COLOR, DIVERGING_LUT
from .throttle import SnapshotFollower

SLIDE_HEIGHT = 270           # pixels: the slide's eleven lines
REDRAW_INTERVAL = 0.25       # seconds between redraws while training runs
HIGHLIGHT = "#ffe9a8"        # the current line
LOOP_TINT = "#fff7dc"        # the loop's header while the walk is inside the loop
COLUMNS = 3                  # heatmaps per layer at most (D: (1/m)Δ, (λ/m)Θ, D)
FLOAT32_MAX = float(np.finfo(np.float32).max)
HOVER_HINT = "Hover a cell for its numbers."
OUTLINE_COLOR = "#117733"    # the cells a step changed (green: apart from the purple/orange values)
KEYS = (("algorithmPreviousLine", "◀ line", "Left", "Previous line of the slide", "previous_line"),
        ("algorithmNextLine", "line ▶", "Right", "Next line of the slide", "next_line"),
        ("algorithmPreviousExample", "◀◀ t", "PgUp", "The same line for the previous example", "previous_example"),
        ("algorithmNextExample", "t ▶▶", "PgDown", "The same line for the next example", "next_example"),
        ("algorithmHome", "Home", "Home", "Back to the top of the slide", "home"),
        ("algorithmEndOfLoop", "End of loop", "End", "Run the loop over all m examples: D", "end_of_loop"))


class AlgorithmView(QWidget):
    """Draws an AlgorithmWalk of the workbench `model` (the walk follows the model)."""

    def __init__(self, parent=None, *, model):
        super().__init__(parent)
        self.setObjectName("algorithmView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.model = model
        self.walk = AlgorithmWalk(model)
        self.slide = self._browser("algorithmSlide")
        self.explanation = self._browser("algorithmExplanation")
        self.heatmaps = StepHeatmaps(self._hover_text)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("algorithmExample")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the arrow keys belong to the walk
        self.slider.setToolTip("Jump to example t: Δ then holds the sum over examples 1..t")
        self.slider.setMinimumWidth(160)
        self.slider.valueChanged.connect(self._on_slider)
        self.position_label = QLabel()
        self.position_label.setObjectName("algorithmPosition")
        self.copy_buttons = CopyButtons(self.explanation_blocks, "algorithm", self)
        self.actions_by_name = {}
        controls = QHBoxLayout()
        for name, text, key, tip, method in KEYS:
            action = QAction(text, self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{tip} ({QKeySequence(key).toString()})")
            action.triggered.connect(getattr(self.walk, method))
            self.addAction(action)
            self.actions_by_name[name] = action
            button = QToolButton()
            button.setDefaultAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            controls.addWidget(button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.position_label)
        controls.addWidget(self.copy_buttons)
        self.hover_label = QLabel(HOVER_HINT)
        self.hover_label.setObjectName("algorithmHover")
        self.hover_label.setWordWrap(True)
        self.heatmaps.hovered.connect(self._on_hover)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.heatmaps, 1)
        right_column.addWidget(self.hover_label)
        left = QSplitter(Qt.Orientation.Vertical)  # the slide above its worked line
        left.addWidget(self.slide)
        left.addWidget(self.explanation)
        left.setSizes([SLIDE_HEIGHT, 300])
        column = QSplitter(Qt.Orientation.Horizontal)
        column.addWidget(left)
        column.addWidget(right)
        column.setSizes([560, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(column, 1)
        self._deactivate = QTimer(self, singleShot=True, interval=0, timeout=self._deactivate_if_hidden)
        self.walk.events.moved.connect(lambda *_: self.redraw())
        SnapshotFollower(self, model, REDRAW_INTERVAL, lambda *_: self.redraw())
        model.events.selection.connect(lambda *_: self.redraw())
        self._slide = slide_html(())
        self.slide.setHtml(self._slide)
        self.redraw()

    @staticmethod
    def _browser(name: str) -> QTextBrowser:
        browser = QTextBrowser()
        browser.setObjectName(name)
        browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys belong to the walk
        return browser

    # --- shown or not: only a shown walk lights the canvas ------------------------------------------
    def showEvent(self, event):
        super().showEvent(event)
        self.walk.set_active(True)
        self.redraw()

    def hideEvent(self, event):
        super().hideEvent(event)
        # a moment later, and only if this view still exists: a window being destroyed hides
        # its docks after the canvas is gone
        self._deactivate.start()

    def _deactivate_if_hidden(self) -> None:
        if not self.isVisible():
            self.walk.set_active(False)

    # --- drawing ------------------------------------------------------------------------------------
    def focus(self) -> Focus:
        return Focus.of(self.model.selection, self.walk.snapshot.layer_sizes)

    def _names_and_class(self):
        workspace, step = self.model.workspace, self.walk.step
        if workspace is None:
            return None, None
        data = workspace.train
        names = unit_names(data.feature_names, data.class_names, self.walk.snapshot.layer_sizes)
        example_class = (data.class_names[int(data.y[step.example])]
                         if step.example is not None and step.example < data.m else None)
        return names, example_class

    def explanation_blocks(self) -> list:
        """The step's worked arithmetic as a document (what Copy as Markdown / LaTeX copy)."""
        if self.walk.snapshot is None:
            return []
        names, example_class = self._names_and_class()
        return step_doc(self.walk, self.focus(), names, example_class)

    def redraw(self) -> None:
        walk = self.walk
        enabled = walk.snapshot is not None
        for action in self.actions_by_name.values():
            action.setEnabled(enabled)
        self.slider.setEnabled(enabled)
        if not enabled or not self.isVisible():
            return
        step = walk.step
        slide = slide_html(step.lines)
        if slide != self._slide:  # the same line for another example: the slide stays as it is
            self._slide = slide
            self.slide.setHtml(slide)
        self.explanation.setHtml(to_html(self.explanation_blocks()))
        self.slider.blockSignals(True)
        self.slider.setRange(1, walk.m)
        self.slider.setValue(step.t if step.t is not None else (walk.m if step.phase in ("D", "update") else 1))
        self.slider.blockSignals(False)
        where = f"t = {step.t} of {walk.m}" if step.t is not None else f"m = {walk.m}"
        self.position_label.setText(f"{where}   line {walk.position + 1} of {walk.count}")
        self.heatmaps.show_panels(walk, walk.panels())

    def _on_slider(self, t: int) -> None:
        self.walk.jump_to_example(t)

    def _on_hover(self, text: str) -> None:
        self.hover_label.setText(text or HOVER_HINT)
        self.heatmaps.setToolTip(text)

    def _hover_text(self, layer: int, kind: str, i: int, j: int) -> str:
        return text_to_html(cell_text(self.walk, kind, layer, i, j))


@functools.lru_cache(maxsize=32)
def slide_html(lines: tuple[str, ...]) -> str:
    """The slide's lines as a table, typeset; `lines` (the step's) highlighted."""
    rows = []
    for line in SLIDE:
        text = text_to_html(line.text)
        if line.key == "update":
            text = f"<span style='color:#555'>{text}</span>"
        current = line.key in lines and not (line.key == "loop" and len(lines) > 1)
        colour = HIGHLIGHT if current else LOOP_TINT if line.key in lines else None
        style = f" style='background:{colour}'" if colour else ""
        marker = "▶" if current else ""
        rows.append(f"<tr{style}><td width='14'>{marker}</td>"
                    f"<td style='padding-left:{6 + 22 * line.indent}px'>{text}</td></tr>")
    return f"<table cellspacing='0' cellpadding='3' width='100%'>{''.join(rows)}</table>"


class StepHeatmaps(pg.GraphicsLayoutWidget):
    hovered = Signal(str)  # what the cell under the mouse holds (rich text), "" off the cells

    """Per Θ^(l), up to three heatmaps with fixed symmetric levels; the bias column marked,
    the cells a step changed outlined, and the bias column of a λ part drawn exempt.
    The grid is built once per network and columns are shown or hidden per step
    (rebuilding it cost ~50 ms)."""

    def __init__(self, hover_text, parent=None):
        super().__init__(parent)
        self.setObjectName("algorithmHeatmaps")
        self.setBackground("w")
        self._hover_text = hover_text
        self._shapes = None
        self._cells: list[list[_Heatmap]] = []
        self.hover = ""
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._panels = []

    def _build(self, shapes) -> None:
        self.clear()
        self._cells = []
        for row, shape in enumerate(shapes):
            self._cells.append([_Heatmap(self.addPlot(row=row, col=col), shape) for col in range(COLUMNS)])
        self._shapes = shapes

    def show_panels(self, walk, panels) -> None:
        shapes = [p[0].matrix.shape for p in panels]
        if shapes != self._shapes:
            self._build(shapes)
        self._panels = panels
        for l, (row, cells) in enumerate(zip(panels, self._cells), start=1):
            for col, cell in enumerate(cells):
                panel = row[col] if col < len(row) else None
                cell.show(panel, None if panel is None else nice_scale(_bound(walk, l, panel, row)))
        self.ci.layout.activate()  # place the columns shown or hidden now, not at the next events

    def panel_at(self, scene_pos):
        """(layer, panel, i, j) under a scene position, 0-based i and j; or None."""
        for l, (row, cells) in enumerate(zip(self._panels, self._cells), start=1):
            for panel, cell in zip(row, cells):
                hit = cell.index_at(scene_pos)
                if hit is not None:
                    return l, panel, *hit
        return None

    def _on_mouse_moved(self, scene_pos) -> None:
        hit = self.panel_at(scene_pos)
        self.hover = "" if hit is None else self._hover_text(hit[0], hit[1].kind, hit[2], hit[3])
        self.hovered.emit(self.hover)


def _bound(walk, layer: int, panel, row) -> float:
    """The value the panel's colours reach. Δ so far: the final Δ's largest, fixed for the
    whole loop, so Δ is seen filling up; D's parts share one scale, and so do Θ before and
    after, to compare them; the outer product of one example has its own."""
    if panel.kind == "Delta":
        return float(np.max(np.abs(walk.snapshot.Deltas[layer - 1])))
    alone = ("outer", "change", "pending")
    shared = [panel.matrix] if panel.kind in alone else [p.matrix for p in row if p.kind not in alone]
    return max(float(np.nanmax(np.abs(matrix), initial=0.0)) for matrix in shared)


class _Heatmap:
    """One plot: the image, the bias line, the outline of changed cells, the exempt column."""

    def __init__(self, plot, shape):
        self.plot = plot
        self.title = None
        plot.invertY(True)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(False, False)
        plot.getAxis("bottom").setLabel("j (0 = bias)")
        plot.getAxis("left").setLabel("i")
        for side in ("left", "bottom"):
            plot.getAxis(side).setTextPen(AXIS_TEXT_COLOR)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(DIVERGING_LUT)
        plot.addItem(self.image)
        rows, cols = shape
        self.rect = QRectF(-0.5, 0.5, cols, rows)  # pixel centres on j (0 = bias) and i (from 1)
        plot.addItem(pg.InfiniteLine(pos=0.5, angle=90, pen=pg.mkPen("#000000", width=2)))
        self.outline = pg.PlotCurveItem(pen=pg.mkPen(OUTLINE_COLOR, width=2), connect="pairs")
        plot.addItem(self.outline)
        self.exempt = QGraphicsRectItem(-0.5, 0.5, 1.0, rows)
        self.exempt.setBrush(QBrush(QColor(150, 150, 150), Qt.BrushStyle.BDiagPattern))
        self.exempt.setPen(QPen(Qt.PenStyle.NoPen))
        plot.addItem(self.exempt)
        self.exempt_label = pg.TextItem("no λ term", color="#222222", anchor=(0.5, 0.5), angle=90,
                                        fill=pg.mkBrush(255, 255, 255, 200))
        self.exempt_label.setPos(0, 0.5 + rows / 2)
        plot.addItem(self.exempt_label)
        plot.setXRange(-0.5, cols - 0.5, padding=0.02)
        plot.setYRange(0.5, rows + 0.5, padding=0.02)

    def show(self, panel, scale: float | None) -> None:
        self.plot.setVisible(panel is not None)
        if panel is None:
            return
        title = latex_to_html(panel.title)
        if panel.kind != "pending":
            title += f" <span style='color:#777'>(colours ±{fmt(scale)})</span>"
        if title != self.title:  # setting a title costs a text layout
            self.title = title
            self.plot.setTitle(title, color=AXIS_TEXT_COLOR, size="9pt")
        limit = min(scale, FLOAT32_MAX)
        matrix = np.clip(panel.matrix, -limit, limit).astype(np.float32)
        if panel.exempt:
            matrix[:, 0] = np.nan  # no colour: the λ part has no bias column
        self.image.setImage(matrix, levels=(-scale, scale), autoLevels=False)
        self.image.setRect(self.rect)  # after setImage: the rect scales the image's own size
        self.exempt.setVisible(panel.exempt)
        self.exempt_label.setVisible(panel.exempt)
        if panel.changed is not None and panel.changed.any():
            x, y = outline(panel.changed)
            self.outline.setData(x, y)
            self.outline.setVisible(True)
        else:
            self.outline.setVisible(False)

    def index_at(self, scene_pos):
        if not self.plot.isVisible() or not self.plot.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.plot.vb.mapSceneToView(scene_pos)
        rows, cols = self.image.image.shape if self.image.image is not None else (0, 0)
        i, j = int(round(point.y())) - 1, int(round(point.x()))
        return (i, j) if 0 <= i < rows and 0 <= j < cols else None


def outline(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The border of the True cells of a rows × cols mask, as line segments (x, y pairs for
    connect='pairs') in the heatmap's coordinates: cell (i, j) spans x j ± 0.5, y i + 1 ± 0.5."""
    padded = np.pad(mask, 1)
    xs, ys = [], []
    # vertical edges: between horizontally neighbouring cells that differ
    rows, cols = np.nonzero(padded[1:-1, 1:] != padded[1:-1, :-1])
    xs.append(np.repeat(cols - 0.5, 2))
    ys.append(np.column_stack([rows + 0.5, rows + 1.5]).ravel())
    # horizontal edges: between vertically neighbouring cells that differ
    rows, cols = np.nonzero(padded[1:, 1:-1] != padded[:-1, 1:-1])
    xs.append(np.column_stack([cols - 0.5, cols + 0.5]).ravel())
    ys.append(np.repeat(rows + 0.5, 2))
    return np.concatenate(xs), np.concatenate(ys)
