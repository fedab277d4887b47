// Package refseller is a reference implementation of a seller's production endpoint for
// the KooGallery production interface, version 2: it verifies every signature, answers
// every activity correctly and idempotently from in-memory state, and can be switched into
// one of several misbehaviours (see Mode) to show how the platform reacts to a faulty
// seller.
//
// The handler answers POST on any path. cmd/refseller serves it, with an admin endpoint
// (ControlHandler) to change the mode at run time.
package refseller
