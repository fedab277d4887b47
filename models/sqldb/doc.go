// Package sqldb is the plumbing every domain store shares: opening SQLite or MySQL, the
// clock, transactions that run again when MySQL picks them as a deadlock victim, paging, and
// the errors stores return. It knows no domain.
package sqldb
