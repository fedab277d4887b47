# KooGallery: `make run` serves the app on an embedded SQLite with demo data; `make test` runs
# every test (unit, handler, SQLite + MariaDB store tests, headless Chromium browser tests).
.PHONY: run test generate vendor bench loadtest fmt check

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

fmt:
	gofmt -w $$(git ls-files '*.go')
	go tool templ fmt views
