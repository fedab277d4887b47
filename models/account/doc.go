// Package account holds who may use the marketplace and how: accounts (users) and seller
// companies with their members and roles, sign-up with email verification, passwords and
// their resets, server-side sessions, login throttling, invitations, the addresses a seller
// company's mail goes to, and the audit log of decisions. It imports only the plumbing
// (sqldb), the notice outbox and leaf packages.
package account
