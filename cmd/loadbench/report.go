package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// report is everything a run found.
type report struct {
	Opts       options
	Env        env
	Counts     map[string]int64
	Filled     fillResult
	Results    []result
	Probes     [][]probe // per page: page 1, page 50, the last full page
	PlainProbe probe
	Allocs     [][3]string // name, allocs/request, KiB/request
	Explains   map[string][]string
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func (r *report) byName(name string) *result {
	for i := range r.Results {
		if r.Results[i].Name == name {
			return &r.Results[i]
		}
	}
	return nil
}

func (r *report) print(w io.Writer) {
	// The plain-text references: a bare net/http handler, and the app's Echo with its whole
	// middleware stack, anonymous and logged in (the pages' own path up to the handler: same
	// session decoding and user lookup).
	bare, echoPlain, echoLoggedIn := r.byName("net/http plain text"), r.byName("echo /bench/plain"), r.byName("echo /bench/plain (logged in)")
	share := func(x *result, base *result) string {
		if base == nil || base.RPS() == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f%%", 100*x.RPS()/base.RPS())
	}

	fmt.Fprintf(w, "\n== KooGallery load benchmark ==\n")
	fmt.Fprintf(w, "machine:  %s, %d CPUs (GOMAXPROCS %d), %s; database %s on the same machine\n", r.Env.CPU, r.Env.NumCPU, r.Env.MaxProcs, r.Env.Go, r.Env.DB)
	fmt.Fprintf(w, "data:     %d orders (%d of %s), %d purchased services (%d of %s), %d buyers",
		r.Counts["orders"], r.Counts["buyer_orders"], benchBuyer, r.Counts["instances"], r.Counts["buyer_instances"], benchBuyer, r.Counts["buyers"])
	if r.Filled.Took > 0 {
		fmt.Fprintf(w, "; filled in %v", r.Filled.Took.Round(time.Millisecond))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "load:     %d clients sharing one logged-in session, keep-alive, %v warm-up + %v per endpoint; client, server and database share the machine\n",
		r.Opts.Load.Clients, r.Opts.Load.Warmup, r.Opts.Load.Duration)
	fmt.Fprintf(w, "log:      request log %q\n\n", r.Opts.LogMode)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\trequests\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\tvs net/http\tvs echo plain\tvs echo logged in\tCPU bench/db/other\tother SELECT/s\t")
	for i := range r.Results {
		x := &r.Results[i]
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", x.Name, x.Requests, x.RPS(), ms(x.Pct(.5)), ms(x.Pct(.9)), ms(x.Pct(.99)), ms(x.Max()), x.Errors, share(x, bare), share(x, echoPlain), share(x, echoLoggedIn), cpuCol(x.CPU), selCol(x.ForeignSelects))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, x := range r.Results {
		fmt.Fprintf(w, "  %-30s %s\n", x.Name, x.Note)
		if x.FirstErr != "" {
			fmt.Fprintf(w, "  %-30s first error: %s\n", "", x.FirstErr)
		}
	}

	fmt.Fprintf(w, "\nSQL statements per request (counted by GORM callbacks) and latency of one request alone (median of 7):\n")
	for _, list := range r.Probes {
		p1 := list[0]
		same := "same on every page"
		var parts []string
		for _, p := range list {
			parts = append(parts, fmt.Sprintf("page %d: %d in %s ms", p.Page, len(p.Queries), ms(p.Alone)))
			if len(p.Queries) != len(p1.Queries) {
				same = "DIFFERENT across pages"
			}
		}
		fmt.Fprintf(w, "  %s: %s — %s (%d rows, %d KiB HTML; session cookie rewritten: %v)\n",
			strings.SplitN(p1.Path, "?", 2)[0], strings.Join(parts, ", "), same, p1.Rows, p1.Bytes/1024, p1.SetsSession)
		for i, q := range p1.Queries {
			fmt.Fprintf(w, "      %s\n", oneLine(q.SQL))
			for _, p := range list[1:] {
				if plans := r.Explains[p.Path]; i < len(plans) && plans[i] != "" {
					fmt.Fprintf(w, "        plan, page %d: %s\n", p.Page, plans[i])
				}
			}
		}
	}
	fmt.Fprintf(w, "  %-18s logged in: %d\n", "/bench/plain", len(r.PlainProbe.Queries))

	fmt.Fprintf(w, "\nServer cost per request (in process, sequential, no network):\n")
	for _, a := range r.Allocs {
		fmt.Fprintf(w, "  %-30s %6s allocations  %7s KiB allocated\n", a[0], a[1], a[2])
	}

	fmt.Fprintf(w, "\nTargets (p99 < %v and ≥ %.0f%% of the plain-text handler's req/s):\n", targetP99, 100*targetShare)
	for _, name := range []string{"/console/services", "/console/orders"} {
		x := r.byName(name)
		if x == nil {
			continue
		}
		verdict := func(ok bool) string {
			if ok {
				return "PASS"
			}
			return "FAIL"
		}
		p99ok := x.Pct(.99) < targetP99 && x.Errors == 0
		reaches := func(base *result) string { return verdict(base != nil && x.RPS() >= targetShare*base.RPS()) }
		fmt.Fprintf(w, "  %-18s p99 %s ms: %s; %s of net/http plain: %s; %s of echo plain: %s; %s of echo plain logged in: %s\n", name,
			ms(x.Pct(.99)), verdict(p99ok), share(x, bare), reaches(bare), share(x, echoPlain), reaches(echoPlain), share(x, echoLoggedIn), reaches(echoLoggedIn))
	}

	// The same figures as Markdown, for the README.
	fmt.Fprintf(w, "\n---- Markdown for the README ----\n\n")
	fmt.Fprintf(w, "`make loadtest` on %s (%d CPUs, GOMAXPROCS %d), %s, %s on the same machine; %d orders (%d for %s), %d purchased services (%d for %s); %d clients sharing one logged-in session, %v warm-up + %v per endpoint; client, server and database on the same %d CPUs.\n\n",
		r.Env.CPU, r.Env.NumCPU, r.Env.MaxProcs, r.Env.Go, r.Env.DB,
		r.Counts["orders"], r.Counts["buyer_orders"], benchBuyer, r.Counts["instances"], r.Counts["buyer_instances"], benchBuyer,
		r.Opts.Load.Clients, r.Opts.Load.Warmup, r.Opts.Load.Duration, r.Env.NumCPU)
	fmt.Fprintln(w, "| endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | vs net/http plain | vs echo plain | vs echo plain logged in | CPU bench / db / other | other DB SELECT/s |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for i := range r.Results {
		x := &r.Results[i]
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s |\n", mdName(x.Name), x.Requests, x.RPS(), ms(x.Pct(.5)), ms(x.Pct(.9)), ms(x.Pct(.99)), ms(x.Max()), x.Errors, share(x, bare), share(x, echoPlain), share(x, echoLoggedIn), strings.ReplaceAll(cpuCol(x.CPU), "/", " / "), selCol(x.ForeignSelects))
	}
	fmt.Fprintln(w)
	var qs []string
	for _, list := range r.Probes {
		var ns []string
		for _, p := range list {
			ns = append(ns, fmt.Sprintf("%d (page %d)", len(p.Queries), p.Page))
		}
		qs = append(qs, fmt.Sprintf("`%s` %s", strings.SplitN(list[0].Path, "?", 2)[0], strings.Join(ns, " / ")))
	}
	fmt.Fprintf(w, "SQL statements per request, including the session's user lookup: %s. CPU is the share of all CPUs used during the measured phase by the bench process (load clients and server together), the database server, and other processes; other DB SELECT/s are statements other clients ran on the same database server meanwhile (both measure disturbance on a shared machine). `echo /bench/plain` is a plain-text route added to the app's Echo, so it passes every middleware the pages pass (request id, metrics, request log, recover, security headers, session, locale, body limit, CSRF, current user); anonymous it carries only the CSRF cookie, logged in it also decodes the session and looks the user up.%s\n", strings.Join(qs, ", "), logNote(r.Opts.LogMode))
}

func mdName(n string) string {
	if !strings.HasPrefix(n, "/") && !strings.HasPrefix(n, "echo ") {
		return n
	}
	head, tail, ok := strings.Cut(n, " (")
	if ok {
		return "`" + head + "` (" + tail
	}
	return "`" + n + "`"
}

func logNote(mode string) string {
	switch mode {
	case "discard":
		return " The request log is formatted as in production (JSON), then written to io.Discard."
	case "off":
		return " The request log is off (a discarding slog handler)."
	}
	return " The request log is written to stderr as JSON."
}

// cpuCol shows how the machine's CPUs were shared during a measured phase: this process
// (client and server), the database server, and everything else (noise from other work).
func cpuCol(c cpuShare) string {
	if !c.OK {
		return "–"
	}
	return fmt.Sprintf("%.0f%%/%.0f%%/%.0f%%", 100*c.Bench, 100*c.DB, 100*c.Foreign)
}

func selCol(v float64) string {
	if v < 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f", v)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
