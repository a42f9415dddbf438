# The two commands of the README quick start, plus developer targets.
# Each target sets itself up: a virtual environment in .venv and an editable install.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.bp-desktop-installed
PACKAGE_STAMP := $(VENV)/.bp-desktop-package-tools
DIST := dist/bp-desktop
# the program the menu entry starts: the bp-desktop on PATH, else this checkout's .venv
BP_DESKTOP ?= $(or $(shell command -v bp-desktop 2>/dev/null),$(abspath $(BIN))/bp-desktop)

.PHONY: run test test-fast bench bench-core bench-csv bench-trainer bench-window bench-canvas bench-cost-plot bench-algorithm \
	package package-smoke install-desktop uninstall-desktop clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else \"bp-desktop needs Python 3.11 or newer; $(PYTHON) is \" + sys.version.split()[0])"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"  # the test extra brings the onnx extra along
	@touch $@

$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,package]"
	@touch $@

## run: launch the app on a built-in dataset (ARGS="..." passes options)
run: $(STAMP)
	$(BIN)/python -m bp_desktop $(ARGS)

## test: the whole test suite, headless
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

## test-fast: the suite without the slow (wheel-building) tests
test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

## bench: every benchmark behind README's Performance section (several minutes)
bench: bench-core bench-csv bench-trainer bench-window bench-canvas bench-cost-plot bench-algorithm

## bench-core: one full-batch backprop against plain numpy, the per-example loop, a rows port and the GEMM ceiling (ARGS="--baseline main" adds the core of another commit)
bench-core: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_core.py $(ARGS)

## bench-csv: CSV loading speed and memory against numpy.loadtxt
bench-csv: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_csv.py

## bench-trainer: training throughput with the window's pump attached, GUI responsiveness
bench-trainer: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_trainer.py

## bench-window: training throughput in the real main window, thread and process engines, against the bare core loop
bench-window: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_window.py

## bench-algorithm: key presses in the Algorithm view (digits; 400-25-10 with m = 5000), median and worst
bench-algorithm: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_algorithm.py $(ARGS)

## bench-canvas: network canvas frame time for 400-25-10, idle and while training
bench-canvas: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_canvas.py

## bench-cost-plot: cost curve repaint at up to a million points
bench-cost-plot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_cost_plot.py

## package: the standalone one-folder build in dist/bp-desktop/ (PyInstaller, installed into .venv on demand)
package: $(PACKAGE_STAMP)
	rm -rf $(DIST)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/bp-desktop.spec
	@du -sh $(DIST)

## package-smoke: the standalone build checks itself, trains headless and draws a screenshot offscreen, outside the checkout
package-smoke: $(STAMP)
	@test -x $(DIST)/bp-desktop || { echo "no $(DIST)/bp-desktop: run 'make package' first" >&2; exit 1; }
	@mkdir -p build
	d="$$(mktemp -d)"; trap 'rm -rf "$$d"' EXIT; cd "$$d" && export QT_QPA_PLATFORM=offscreen \
		&& "$(abspath $(DIST))/bp-desktop" --version \
		&& "$(abspath $(DIST))/bp-desktop" --self-check \
		&& "$(abspath $(DIST))/bp-desktop" train --builtin xor --iterations 20 --export weights.mat \
		&& test -s weights.mat \
		&& "$(abspath $(DIST))/bp-desktop" --screenshot "$(abspath build/package-smoke.png)" \
			--dataset iris --iterations 3 --size 800x600
	$(BIN)/python packaging/check_screenshot.py build/package-smoke.png 800x600

## install-desktop: menu entry, AppStream metainfo and icons for the current user (BP_DESKTOP=/path/to/bp-desktop)
install-desktop:
	@test -x "$(BP_DESKTOP)" || { echo "no bp-desktop command found: 'pip install .', 'make run' or 'make package' first, or pass BP_DESKTOP=/path/to/bp-desktop" >&2; exit 1; }
	sh packaging/linux/install-desktop.sh "$(BP_DESKTOP)"

uninstall-desktop:
	sh packaging/linux/install-desktop.sh --uninstall

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
