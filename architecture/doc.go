// Package architecture holds the house's plan: which layer each package of the module is in
// and so what it may import. Its test (in go test ./...) fails when a package imports against
// the plan, so the house stays as drawn. It has no code of its own.
package architecture
