package handlers

import (
	"errors"
	"strconv"

	"github.com/labstack/echo/v4"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/web"
)

// pathID reads a numeric id from the path; anything else is a 404, like an id that does not exist.
func pathID(c echo.Context, name string) (uint, error) {
	n, err := strconv.ParseUint(c.Param(name), 10, 32)
	if err != nil || n == 0 {
		return 0, sqldb.ErrNotFound
	}
	return uint(n), nil
}

// pickByPathID is the element of a loaded list (err: its loading's error) whose id is the
// path's :id; one not in the list is models.ErrNotFound, like an id that does not exist.
func pickByPathID[T any](c echo.Context, list []T, err error, id func(*T) uint) (*T, error) {
	if err != nil {
		return nil, err
	}
	want, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	for i := range list {
		if id(&list[i]) == want {
			return &list[i], nil
		}
	}
	return nil, sqldb.ErrNotFound
}

// formID reads a numeric id from a form field; a malformed one is a 404.
func formID(c echo.Context, name string) (uint, error) {
	n, err := strconv.ParseUint(c.FormValue(name), 10, 32)
	if err != nil || n == 0 {
		return 0, sqldb.ErrNotFound
	}
	return uint(n), nil
}

// pageParam reads ?page=, 1 when missing or malformed.
func pageParam(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// translate turns field message keys into the user's language.
func translate(c echo.Context, errs sqldb.FieldErrors) map[string]string {
	out := make(map[string]string, len(errs))
	for k, v := range errs {
		out[k] = web.T(c, v)
	}
	return out
}

// asFieldErrors extracts per-field messages from a store error.
func asFieldErrors(err error) (sqldb.FieldErrors, bool) {
	var fe sqldb.FieldErrors
	ok := errors.As(err, &fe)
	return fe, ok
}

// clip keeps at most n bytes of user text for re-display, cut on a rune boundary.
func clip(s string, n int) string { return sqldb.ClipText(s, n) }

// orderFilter reads the order list filters (type, charging mode, status, page); unknown
// values are ignored.
func orderFilter(c echo.Context) orders.OrderFilter {
	f := orders.OrderFilter{Page: pageParam(c)}
	for _, t := range orders.OrderTypes {
		if string(t) == c.QueryParam("type") {
			f.Type = t
		}
	}
	for _, m := range catalog.ChargingModes {
		if string(m) == c.QueryParam("mode") {
			f.Mode = m
		}
	}
	for _, s := range orders.OrderStatuses {
		if string(s) == c.QueryParam("status") {
			f.Status = s
		}
	}
	return f
}
