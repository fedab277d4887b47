// Package e2e holds the end-to-end tests: the whole application over HTTP (and, in the
// browser tests, in headless Chromium), on SQLite and MySQL.
package e2e
