# RAG Worker: the two commands a new machine needs are `make demo` and `make test`.
# Everything else here is a step of those two, or a tool for working on the project.

SWIFT ?= swift
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: demo test bootstrap build build-tests test-swift test-eval check-release check-dashboards check-api \
        test-infra test-deploy test-otlp test-rehearsal bench bench-http clean

## Runs one sample job end to end on embedded defaults (no keys, no network) and prints the result.
demo: bootstrap-system
	$(SWIFT) build --product rag-worker
	$(SWIFT) run --skip-build rag-worker demo --job fixtures/jobs/rag-chatbot.json

## Runs every test: Swift unit and integration tests (moto and Postgres started on loopback), the
## offline evaluation against its baseline (trec_eval agreement included),
## the release build the Dockerfile performs, Dockerfile lint, dashboard drift, the API's conformance
## to docs/openapi.yaml (schemathesis), infra tests, the worker's traces over OTLP, and the deployment
## rehearsal (docs/deployment.md's commands, run against moto with the release binary).
test: bootstrap test-swift test-eval check-release check-dashboards check-api test-infra test-deploy test-otlp test-rehearsal
	@echo "make test: all checks passed"

bootstrap:
	scripts/bootstrap all

bootstrap-system:
	scripts/bootstrap system

build-tests:
	$(SWIFT) build --build-tests

## The suites that time a promise on the wall clock (SageMaker's 2 s for /ping, during a connection
## flood and a store outage; a lease renewed before another worker may take the job) run after the
## others, on their own: with 600 tests in parallel on two cores, the machine's load rather than the
## worker decides them.
TIMED_SUITES = ConnectionFloodTests|StoreOutageTests|LeaseRenewalTests

test-swift: build-tests
	$(SWIFT) test --skip-build --skip '$(TIMED_SUITES)'
	$(SWIFT) test --skip-build --filter '$(TIMED_SUITES)'

## Offline evaluation on the embedded defaults (tests/eval): `rag-worker eval` agrees with trec_eval
## (pytrec-eval-terrier) on the run and qrels it writes, and stays within fixtures/eval/baseline.json.
test-eval: build-tests
	$(VENV)/bin/python -m pytest -q tests/eval

## The Dockerfile's build, on this machine: a release binary with the Swift runtime linked in.
check-release:
	$(SWIFT) build -c release --static-swift-stdlib --product rag-worker
	$(SWIFT) build -c release --static-swift-stdlib --product alarm-setup
	$(VENV)/bin/hadolint Dockerfile

## The committed dashboard must be what `alarm-setup render` produces now.
check-dashboards:
	scripts/check-dashboards

## schemathesis (every check, fixed seed, bounded examples) against a live debug worker: the server
## and docs/openapi.yaml must agree, 0 failures. About a minute.
check-api: build-tests
	scripts/check-api-conformance

## The CDK stack: assertions and cfn-lint (offline).
test-infra:
	$(VENV)/bin/python -m pytest -q infra/tests

## The deploy script's own AWS calls against moto_server with authentication on; the Swift tools it
## runs (alarm-setup, rag-worker invoke) come from the debug build.
test-deploy: build-tests
	$(VENV)/bin/python -m pytest -q scripts/tests

## The debug worker's traces over OTLP/HTTP against a loopback receiver that decodes them with the
## official opentelemetry-proto package: spans, links, ids, JSON, SigV4 for xray, outage, SIGTERM. ~2 min.
test-otlp: build-tests
	$(VENV)/bin/python -m pytest -q tests/otlp

## docs/deployment.md followed as written: the stack synthesized, deployed to moto (authentication on)
## as the documented deployer, the release binary run with the template's environment and role, a job
## through retrieval to a signed webhook (tests/rehearsal). Needs check-release; bounded to 10 minutes.
test-rehearsal: check-release
	timeout --signal=TERM --kill-after=30 600 $(VENV)/bin/python -m pytest -q tests/rehearsal

## Benchmarks (release build); see docs/performance.md.
bench:
	scripts/bench/run-all

clean:
	rm -rf .build .build-* data
