"""The committed PNG icons are renderings of the current SVG (re-run render_icons.py after
editing it), and the script writes every size."""
import numpy as np
import pytest
from PySide6.QtGui import QImage

from bp_desktop.ui.icon import ICON_SIZES

from .helpers import load_script

render_icons = load_script("render_icons")


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width() * 4].astype(float)


@pytest.mark.parametrize("size", [ICON_SIZES[0], ICON_SIZES[-1]])
def test_committed_png_matches_the_svg(qapp, size):
    fresh = pixels(render_icons.render(render_icons.SVG, size))
    committed = pixels(QImage(str(render_icons.png_path(size))))
    assert committed.shape == fresh.shape
    assert np.abs(fresh - committed).mean() < 2.0  # font hinting may move a few edge pixels


def test_script_writes_every_size(qapp, tmp_path):
    assert render_icons.main(tmp_path) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"bp-desktop-{size}.png" for size in ICON_SIZES)
