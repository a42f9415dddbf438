"""Everything that imports Qt (PySide6, pyqtgraph) lives here."""
