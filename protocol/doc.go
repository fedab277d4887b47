// Package protocol implements the Huawei KooGallery (华为云云商店) seller production
// interface, version 2: the activities the platform sends to a seller's production address,
// their request and response messages and validation, the result codes, the v2 URL
// signature (and the optional legacy v1 authToken and Body-Sign), the AES encryption of
// sensitive fields, the API Gateway AK/SK signature of the platform's open API, and an HTTP
// client that calls a seller safely.
//
// It depends on the standard library only, so both the platform server and the reference
// seller import it.
package protocol
