// Package models holds the marketplace's entities, their state machines and rules, and the
// store methods over them. It imports nothing else of this project.
package models
