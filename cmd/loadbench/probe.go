package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"koogallery/models"
)

// login signs in as email over HTTP like a browser without Sec-Fetch-Site would: fetch the
// form for the CSRF cookie, post the credentials with the token, then open the landing page
// once (it consumes the welcome flash, so later requests carry a settled session that the
// server has no reason to rewrite). It returns the Cookie header to share.
func login(base, email, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (*http.Response, error) {
		res, err := c.Get(base + path)
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res, nil
	}
	if res, err := get("/login"); err != nil || res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /login: %v %v", err, status(res))
	}
	u, _ := url.Parse(base)
	token := ""
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "_csrf" {
			token = ck.Value
		}
	}
	if token == "" {
		return "", fmt.Errorf("GET /login set no _csrf cookie")
	}
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {token}}
	res, err := c.PostForm(base+"/login", form)
	if err != nil {
		return "", fmt.Errorf("POST /login: %w", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST /login: status %d, want 303", res.StatusCode)
	}
	landing := res.Header.Get("Location")
	if landing == "" || !strings.HasPrefix(landing, "/") {
		landing = "/console/services"
	}
	if res, err := get(landing); err != nil || res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s after login: %v %v", landing, err, status(res))
	}
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}

func status(res *http.Response) string {
	if res == nil {
		return ""
	}
	return res.Status
}

// queryCounter counts the SQL statements GORM runs while it is on, through callbacks
// registered after each of GORM's statement-running callbacks.
type queryCounter struct {
	total atomic.Int64 // every statement since start
	on    atomic.Bool
	mu    sync.Mutex
	stmt  []statement
}

// statement is one SQL statement a request ran, with its arguments.
type statement struct {
	SQL  string
	Vars []any
}

// installQueryCounter registers the counting callbacks on db. It must run before serving.
func installQueryCounter(db *gorm.DB) (*queryCounter, error) {
	qc := &queryCounter{}
	record := func(tx *gorm.DB) {
		qc.total.Add(1)
		if !qc.on.Load() {
			return
		}
		qc.mu.Lock()
		qc.stmt = append(qc.stmt, statement{tx.Statement.SQL.String(), append([]any(nil), tx.Statement.Vars...)})
		qc.mu.Unlock()
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Before("gorm:preload").Register("loadbench:count", record),
		cb.Row().After("gorm:row").Register("loadbench:count", record),
		cb.Raw().After("gorm:raw").Register("loadbench:count", record),
		cb.Create().After("gorm:create").Register("loadbench:count", record),
		cb.Update().After("gorm:update").Register("loadbench:count", record),
		cb.Delete().After("gorm:delete").Register("loadbench:count", record),
	} {
		if err != nil {
			return nil, err
		}
	}
	return qc, nil
}

// probe is one request made alone, with the statements it ran.
type probe struct {
	Path    string
	Status  int
	Rows    int // table rows on the page (data-testid="…-row")
	Bytes   int
	Queries []statement
	// SetsSession reports a Set-Cookie for the session: the cookie was re-encoded this request.
	SetsSession bool
	Page        int
	Alone       time.Duration // median latency of the request alone, on an idle server
}

// alone is the median latency of n sequential requests to url over one kept-alive connection.
func alone(url, cookie string, n int) (time.Duration, error) {
	c := newClient(1)
	defer c.CloseIdleConnections()
	var ds []time.Duration
	for i := 0; i <= n; i++ {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Cookie", cookie)
		t0 := time.Now()
		res, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s: status %d", url, res.StatusCode)
		}
		if i > 0 { // the first request opens the connection
			ds = append(ds, time.Since(t0))
		}
	}
	slices.Sort(ds)
	return ds[len(ds)/2], nil
}

// count makes one request to path with cookie and records the statements the app ran.
func (qc *queryCounter) count(base, path, cookie, rowMarker string) (probe, error) {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Cookie", cookie)
	qc.mu.Lock()
	qc.stmt = nil
	qc.mu.Unlock()
	qc.on.Store(true)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		qc.on.Store(false)
		return probe{}, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	qc.on.Store(false)
	qc.mu.Lock()
	defer qc.mu.Unlock()
	p := probe{Path: path, Status: res.StatusCode, Bytes: len(body), Queries: append([]statement(nil), qc.stmt...),
		Rows: strings.Count(string(body), rowMarker)}
	for _, ck := range res.Cookies() {
		if ck.Name == "kg_session" {
			p.SetsSession = true
		}
	}
	return p, nil
}

// allocs measures what one request to path costs the server alone, in process and
// sequentially (no client, no network): heap allocations and bytes per request.
func allocs(h http.Handler, path, cookie string, n int) (perReq, bytesPerReq float64, err error) {
	do := func() error {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("%s: status %d", path, rec.Code)
		}
		return nil
	}
	for i := 0; i < 20; i++ {
		if err := do(); err != nil {
			return 0, 0, err
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		if err := do(); err != nil {
			return 0, 0, err
		}
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n), float64(after.TotalAlloc-before.TotalAlloc) / float64(n), nil
}

// cookieSubset keeps the named cookies of a Cookie header.
func cookieSubset(header string, names ...string) string {
	var keep []string
	for _, part := range strings.Split(header, "; ") {
		name, _, _ := strings.Cut(part, "=")
		for _, n := range names {
			if n == name {
				keep = append(keep, part)
			}
		}
	}
	return strings.Join(keep, "; ")
}

// demoPassword is the demo accounts' password.
const demoPassword = models.DemoPassword

// explain asks the database how it runs a SELECT: table, access type, key, estimated rows,
// extra; on MariaDB through ANALYZE, which runs the statement and adds the rows it really read
// (r_rows).
func explain(db *gorm.DB, mariaDB bool, st statement) (string, error) {
	if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(st.SQL)), "SELECT") {
		return "", nil
	}
	verb := "EXPLAIN "
	if mariaDB {
		verb = "ANALYZE "
	}
	rows, err := db.Raw(verb+st.SQL, st.Vars...).Rows()
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		var parts []string
		for i, c := range cols {
			switch c {
			case "table", "type", "key", "rows", "r_rows", "Extra":
				if vals[i].Valid && vals[i].String != "" {
					parts = append(parts, c+"="+vals[i].String)
				}
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	return strings.Join(out, "; "), rows.Err()
}

// comSelect is the database server's count of SELECT statements run, from all its clients.
func comSelect(db *gorm.DB) (int64, bool) {
	var row struct {
		VariableName string `gorm:"column:Variable_name"`
		Value        int64  `gorm:"column:Value"`
	}
	if err := db.Raw("SHOW GLOBAL STATUS LIKE 'Com_select'").Scan(&row).Error; err != nil || row.VariableName == "" {
		return 0, false
	}
	return row.Value, true
}
