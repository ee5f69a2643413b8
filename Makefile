# Resettle: common tasks. Every target installs what it needs (scripts/ensure-tools.sh).
#
#   make demo      build and run the demo server with synthetic data (http://127.0.0.1:8080)
#   make test      everything CI runs: format, lint, build, tests on SQLite and PostgreSQL,
#                  the browser journey, and schemathesis against the API's own description
#   make bench     load benchmark on SQLite and PostgreSQL (BENCH_CHILDREN, BENCH_SECONDS)
#   make assets    compile the stylesheet and copy the front-end files into static/dist
#   make fmt       format the Rust code
#   make lint      check formatting and run clippy
#   make browser-test   only the browser journey (needs target/debug/resettle)
#   make clean-db  delete local SQLite files and test output

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Extra arguments for `make demo`, e.g. make demo DEMO_ARGS='--bind 127.0.0.1:9000'
DEMO_ARGS ?=

# $(call step,description,command): run one step, and say clearly which one failed.
define step
	@printf '\n==> %s\n' '$(1)'
	@start=$$(date +%s); $(2) || { status=$$?; printf '\nmake $@: FAILED at step: %s (exit %s)\n' '$(1)' "$$status" >&2; exit "$$status"; }; \
	printf '==> %s: done in %ss\n' '$(1)' "$$(( $$(date +%s) - start ))"
endef

.PHONY: help demo test bench assets fmt lint browser-test clean-db

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

demo:
	$(call step,tools,scripts/ensure-tools.sh)
	$(call step,front-end assets,scripts/build-assets.sh)
	$(call step,release build,cargo build --release -p resettle)
	@printf '\n==> resettle demo (Ctrl-C to stop)\n'
	target/release/resettle demo $(DEMO_ARGS)

test:
	$(call step,tools,scripts/ensure-tools.sh --browser --postgres --mail)
	$(call step,front-end assets,scripts/build-assets.sh)
	$(call step,cargo fmt --check,cargo fmt --all --check)
	$(call step,cargo clippy,cargo clippy --workspace --all-targets --locked -- -D warnings)
	$(call step,cargo build (the service and every test in one feature set so nothing is built twice),cargo build --workspace --all-targets --locked)
	$(call step,tests on SQLite and PostgreSQL (nextest),RESETTLE_REQUIRE_POSTGRES=1 scripts/with-postgres.sh cargo nextest run --workspace --locked --no-fail-fast)
	$(call step,browser journey,scripts/browser-test.sh)
	$(call step,API against its description (schemathesis),scripts/api-fuzz.sh)
	@printf '\nmake test: all steps passed\n'

bench:
	scripts/bench.sh

assets:
	scripts/build-assets.sh

fmt:
	cargo fmt --all

lint:
	$(call step,front-end assets (embedded in the binary),scripts/build-assets.sh)
	$(call step,cargo fmt --check,cargo fmt --all --check)
	$(call step,cargo clippy,cargo clippy --workspace --all-targets --locked -- -D warnings)

browser-test:
	scripts/browser-test.sh

clean-db:
	rm -f ./*.db ./*.db-shm ./*.db-wal
	rm -rf .tmp test-results
