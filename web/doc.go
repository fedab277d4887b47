// Package web is the HTTP plumbing shared by every feature: server assembly, middleware,
// sessions, CSRF, language, rendering, error pages and the static mount. It knows nothing of
// features.
package web
