# KooGallery: `make run` serves the app on an embedded SQLite with demo data; `make test` runs
# every test (unit, handler, SQLite + MariaDB store tests, headless Chromium browser tests).
.PHONY: run test generate vendor bench loadtest callbench fmt check

run:
	go run ./cmd/server

test:
	bash scripts/test.sh

generate:
	go tool templ generate

vendor:
	npm ci --no-audit --no-fund && npm run vendor

bench:
	go test -run '^$$' -bench . -benchmem ./protocol/

loadtest:
	go run ./cmd/loadbench

# The call outbox: calls/s delivered to a loopback seller and the delay from order to first
# attempt, on SQLite and then on MySQL/MariaDB (CALLBENCH_DB; CALLBENCH_FLAGS e.g. -n 20000).
CALLBENCH_DB ?= root:@tcp(127.0.0.1:3306)/
callbench:
	go run ./cmd/callbench $(CALLBENCH_FLAGS)
	go run ./cmd/callbench -db '$(CALLBENCH_DB)' $(CALLBENCH_FLAGS)

fmt:
	gofmt -w $$(git ls-files '*.go')
	go tool templ fmt views
