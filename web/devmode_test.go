package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/sqldb"
)

// newTestServer is the real middleware stack over an empty SQLite store, with options o
// (Store, Log and SessionKey are filled in).
func newTestServer(t *testing.T, o Options) *echo.Echo {
	t.Helper()
	db, err := sqldb.Open(sqldb.OpenOptions{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	o.Store = models.NewStore(db)
	t.Cleanup(func() { o.Store.Close() })
	o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	o.SessionKey = bytes.Repeat([]byte{7}, 64)
	return NewServer(o)
}

// Pages know whether the server runs in dev mode, and only then.
func TestPageContextDev(t *testing.T) {
	for _, dev := range []bool{false, true} {
		e := newTestServer(t, Options{Dev: dev})
		e.GET("/t/dev", func(c echo.Context) error { return c.String(http.StatusOK, strconv.FormatBool(PageContext(c).Dev)) })
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/t/dev", nil))
		if got := rec.Body.String(); got != strconv.FormatBool(dev) {
			t.Errorf("Options.Dev %v: PageContext.Dev %s", dev, got)
		}
	}
}
