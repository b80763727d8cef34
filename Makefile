# rcfge build, test and measurement targets. Everything a fresh machine needs is installed from here.
SHELL      := /bin/bash
GO         ?= go
BIN        := $(CURDIR)/bin
TOOLS_BIN  := $(CURDIR)/.tools/bin
VERSITYGW  := $(TOOLS_BIN)/versitygw
VERSITYGW_VERSION := v1.8.0
GREMLINS   := $(TOOLS_BIN)/gremlins
GREMLINS_VERSION := v0.6.0
DATA       ?= $(abspath $(CURDIR)/../shared/data)
FUZZTIME   ?= 30s
LAMBDA_ARCH ?= arm64

export RCFGE_VERSITYGW := $(VERSITYGW)
export RCFGE_DATA := $(DATA)

.PHONY: all build demo test test-short bench lint fuzz package publish tools clean

all: build

# VERSION is what `rcfge --version` and SARIF logs report; without git, the binary's build info.
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS    := $(if $(VERSION),-X github.com/rcfge/rcfge/tools/buildinfo.version=$(VERSION))

## build: the CLI at bin/rcfge, static (no cgo) so that it runs anywhere, distroless included
build:
	@mkdir -p $(BIN)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/rcfge ./tools/rcfge

## demo: build, then validate the shipped examples (the main job)
demo: build
	@./examples/run-examples.sh $(BIN)/rcfge

## tools: test dependencies (the S3-compatible server) into .tools/bin
tools: $(VERSITYGW)

$(VERSITYGW):
	@mkdir -p $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) GOFLAGS= $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

$(GREMLINS):
	@mkdir -p $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) GOFLAGS= $(GO) install github.com/go-gremlins/gremlins/cmd/gremlins@$(GREMLINS_VERSION)

## mutate: mutation testing of every runtime package (gremlins); writes docs/mutation.md and fails
## when a deciding package is below its target. On demand, like make bench: about 1,600 mutants a
## test run covers (hook/schema 780, hook/handler 280, hook/wire 150), two at a time. On this 2-core
## machine idle, a mutant's test run is 3 to 4 s, so about 50 min in all; with the cores shared
## (load 16) it was 7.5 s per mutant, over 3 h: then run it per package.
## MUTATE_PKGS limits it (e.g. MUTATE_PKGS=hook/engine, or hook/schema:coerce.go,number.go for files).
## A mutant's test run is bounded at 10 times the package's own uncached test run, so a mutant
## that loops forever costs a minute or two, not the quarter hour a coefficient of 100 cost
## (tools/mutation/cmd/mutationdoc explains the settings).
.PHONY: mutate mutate-ci
## MUTATE_FLAGS=-update with MUTATE_PKGS reruns those packages only and keeps the others' rows
## and listed mutants from docs/mutation.md (a few minutes after a test change, not the hour).
MUTATE_PKGS ?=
MUTATE_FLAGS ?=
mutate: $(GREMLINS)
	$(GO) run ./tools/mutation/cmd/mutationdoc -gremlins $(GREMLINS) -out docs/mutation.md -check $(MUTATE_FLAGS) $(MUTATE_PKGS)

## mutate-ci: the bounded run CI does, in two parts, at most about 4 min on two cores (3 min before
## this change for part 1 alone, one mutant at a time).
## 1. Always: the files that turn findings into SUCCESS or FAILED (verdict.go, decide.go: 49
##    mutants, about 1.5 min).
## 2. The lines changed since the merge base with MUTATE_CI_BASE in the deciding code: placeholder,
##    engine, schema and handler's stack.go (part 1 holds the rest), while they fit MUTATE_CI_MAX mutants
##    (about 2 min); a package whose changed lines hold more is named and skipped (run make mutate
##    for it). A change to deciding code must come with tests that kill its mutants, or a reviewed
##    line in docs/mutation-equivalents.tsv: a package below its target fails. On main itself there
##    is no change, so only part 1 runs. The diff needs the base ref (CI: fetch it; without it part 2
##    says so and is skipped).
MUTATE_CI_CORE ?= hook/verdict:verdict.go hook/handler:decide.go
MUTATE_CI_DIFF ?= hook/placeholder hook/engine hook/schema hook/handler:stack.go
MUTATE_CI_BASE ?= $(shell git rev-parse -q --verify origin/main >/dev/null && echo origin/main || echo main)
MUTATE_CI_MAX  ?= 60
mutate-ci: $(GREMLINS)
	$(GO) run ./tools/mutation/cmd/mutationdoc -gremlins $(GREMLINS) -out - -check $(MUTATE_CI_CORE) >/dev/null
	@if git rev-parse -q --verify '$(MUTATE_CI_BASE)^{commit}' >/dev/null; then \
		$(GO) run ./tools/mutation/cmd/mutationdoc -gremlins $(GREMLINS) -out - -check -since $(MUTATE_CI_BASE) -max-mutants $(MUTATE_CI_MAX) $(MUTATE_CI_DIFF) >/dev/null; \
	else echo "mutate-ci: no $(MUTATE_CI_BASE) to diff against: changed-line mutants not run"; fi

## test: the whole suite, as CI runs it (scripts/test.sh): the race detector on the concurrent
## code, the rest without it, integration against versitygw, the shipped templates' lint and unit
## tests, and a short run of every fuzz target.
# CI fuzzes, briefly, what takes bytes from outside: both hook protocols' request decoder,
# placeholder substitution, the validator (numbers, and against jsonschema v5), the validate front end, the service-reference reader
# and the SCP compiler's input. Every target's seed corpus runs in the Go tests anyway;
# `make fuzz` fuzzes all of them.
CI_FUZZTIME ?= 4s
CI_FUZZ_PKGS ?= hook/wire hook/jsontree hook/placeholder hook/schema tools/schemadiff tools/cfntemplate tools/svcref tools/scpgen
test: tools build
	RCFGE_REQUIRE_S3=1 ./scripts/test.sh
	./bin/rcfge schemas lint schemas/
	./bin/rcfge schemas test schemas/
	FUZZ_PKGS="$(CI_FUZZ_PKGS)" ./scripts/fuzz.sh $(CI_FUZZTIME)
	$(MAKE) mutate-ci

## test-short: unit tests only, no race detector
test-short:
	$(GO) test -short ./...

## bench: benchmarks, Lambda size and start, memory, Python peer; writes docs/performance.md
PYTHON ?= /usr/bin/python3
bench: tools build
	@$(PYTHON) -c 'import jsonschema' 2>/dev/null || { echo "installing Debian's python3-jsonschema"; \
		$$([ "$$(id -u)" = 0 ] || echo sudo) apt-get install -y python3-jsonschema; }
	@[ -x /usr/bin/time ] || { echo "installing Debian's time (GNU time measures the replay's peak RSS)"; \
		$$([ "$$(id -u)" = 0 ] || echo sudo) apt-get install -y time; }
	$(GO) run ./tools/perfreport -out docs/performance.md -python $(PYTHON)

## lint: formatting and vet
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

## fuzz: every fuzz target for FUZZTIME each
fuzz:
	@./scripts/fuzz.sh $(FUZZTIME)

## faults: the hook fault matrix against versitygw; writes docs/faults.md
.PHONY: faults
faults: tools
	$(GO) run ./hook/faults/cmd/faultsdoc -out docs/faults.md

## package: the Lambda zip and the schema handler package zip into dist/
package:
	@./scripts/package.sh $(LAMBDA_ARCH)

## publish: templates to S3 with checksums (BUCKET=..., PREFIX=...)
publish: build
	@./scripts/publish.sh

clean:
	rm -rf $(BIN) dist bench.out

## schemas: regenerate the shipped templates (schemas/<Type>.json) from the provider schemas and
## overlays. schemas/ is the approval record: what SCHEMAS_SOURCE adds stays pending (make
## schemas-pending; rcfge schemas approve), only what the templates approve is refreshed.
SCHEMAS_SOURCE ?= $(DATA)/cfn-schemas/us-east-1
SHIPPED_TYPES = $(subst -,::,$(patsubst schemas/overlays/%.json,%,$(wildcard schemas/overlays/*.json)))
SCHEMAGEN_ARGS = --source $(SCHEMAS_SOURCE) $(foreach t,$(SHIPPED_TYPES),--type $(t)) --overlays schemas/overlays --out schemas/
.PHONY: schemas schemas-check schemas-pending
schemas: build
	./bin/rcfge schemas generate $(SCHEMAGEN_ARGS)

## schemas-check: fail if regenerating the shipped templates would change them
schemas-check: build
	./bin/rcfge schemas generate --check $(SCHEMAGEN_ARGS)

## schemas-pending: what SCHEMAS_SOURCE has that the shipped templates do not approve (exit 1 if any)
schemas-pending: build
	./bin/rcfge schemas pending --source $(SCHEMAS_SOURCE) --templates schemas/ --overlays schemas/overlays --new-types=false

## hardening: regenerate the opt-in hardened templates (hardening/<Type>.json) from hardening/overlays
HARDENED_TYPES = $(subst -,::,$(patsubst hardening/overlays/%.json,%,$(wildcard hardening/overlays/*.json)))
HARDENING_ARGS = --source $(DATA)/cfn-schemas/us-east-1 $(foreach t,$(HARDENED_TYPES),--type $(t)) --overlays hardening/overlays --out hardening/
.PHONY: hardening hardening-check
hardening: build
	./bin/rcfge schemas generate $(HARDENING_ARGS)

## hardening-check: fail if regenerating the hardened templates would change them
hardening-check: build
	./bin/rcfge schemas generate --check $(HARDENING_ARGS)

## scp: recompile the SCPs (scp/rcfge-scp-*.json, scp/manifest.json) from scp/rcfge.yaml and schemas/
SCP_SERVICE_REFERENCE ?= $(DATA)/service-reference/2026-08-22
.PHONY: scp scp-check
scp: build
	./bin/rcfge scp build --config scp/rcfge.yaml --templates schemas/ --out scp/ \
		--service-reference $(SCP_SERVICE_REFERENCE) --schemas-source $(DATA)/cfn-schemas/us-east-1

## scp-check: grammar, actions, sizes and count of the shipped SCPs
scp-check: build
	./bin/rcfge scp check scp/ --service-reference $(SCP_SERVICE_REFERENCE)
