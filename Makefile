# Shortcuts for tasks.py, which needs nothing but python3.
.PHONY: main exercise test test-fast setup clean

main:
	python3 tasks.py main

exercise:
	python3 tasks.py exercise

test:
	python3 tasks.py test

setup:
	python3 tasks.py setup

clean:
	rm -rf .venv .venv-student var .pytest_cache

test-fast:
	python3 tasks.py test --fast
