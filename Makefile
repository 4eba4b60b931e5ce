# The two set-up commands of the README. Both create the virtual environment on first use (pinned versions
# from constraints.txt), so a fresh machine needs only Python 3.11+ and these commands.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench

# Quiet: the instructor sees one line, and pip's output only when something goes wrong (the import line fails).
$(VENV)/.installed: pyproject.toml constraints.txt
	@echo "setting up $(VENV): pinned versions from constraints.txt (PyTorch is large: about two minutes)"
	@python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
	@$(PY) -m pip install -q -c constraints.txt -e '.[torch,instructor,dev,cluster]' 2>&1 | grep -v "is ignored" || true
	@$(PY) -c "import course, torch, nbgrader, distributed"
	@touch $@

demo: $(VENV)/.installed  ## grade the bundled sample class end to end
	@$(VENV)/bin/course demo

test: $(VENV)/.installed  ## the kit's test suite
	$(PY) -m pytest -q

bench: $(VENV)/.installed  ## benchmarks (ratios measured side by side)
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done
