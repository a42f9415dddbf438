"""The network canvas. `layout` is pure numpy (testable without Qt); `view` is the widget."""
