// Command refseller serves the reference seller production endpoint (package refseller)
// so the platform, or a developer with curl, can call it over HTTP.
//
// Usage:
//
//	refseller -key ACCESS_KEY [-addr 127.0.0.1:9090] [-encrypt-type 1|2] [-mode ok]
//	          [-platform https://host -ak AK -sk SK] [-control-token TOKEN]
//
// Every POST is a production-interface call, on any path except /_control, the admin
// endpoint: GET /_control reports the mode, POST /_control?mode=slow (or slowNewInstance=,
// slowLicense=) changes it. /_control needs the X-Control-Token header when -control-token
// is set, and otherwise answers loopback clients only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"koogallery/refseller"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "refseller:", err)
		os.Exit(1)
	}
}

// run parses the flags, serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("refseller", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	key := fs.String("key", getenv("SELLER_ACCESS_KEY"), "access key bound to the production address (env SELLER_ACCESS_KEY)")
	encryptType := fs.String("encrypt-type", "1", `encryptType of appInfo: "1" AES-256, "2" AES-128`)
	mode := fs.String("mode", "ok", "initial misbehaviour mode (see the list below)")
	slowDelay := fs.Duration("slow-delay", refseller.DefaultSlowDelay, "how long mode slow waits before answering")
	slowNew := fs.Bool("slow-new", false, "answer a new newInstance with 000004 (ready at the next queryInstance)")
	slowLicense := fs.Bool("slow-license", false, "answer a new getLicenseAsync with 000004 (ready when asked again)")
	appURL := fs.String("app-url", refseller.DefaultAppBaseURL, "base URL of the instances' frontEndUrl and adminUrl")
	platform := fs.String("platform", getenv("PLATFORM_URL"), "platform base URL for the open-API order query (env PLATFORM_URL)")
	ak := fs.String("ak", getenv("PLATFORM_AK"), "open-API access key (env PLATFORM_AK)")
	sk := fs.String("sk", getenv("PLATFORM_SK"), "open-API secret key (env PLATFORM_SK; prefer it to the flag)")
	controlToken := fs.String("control-token", getenv("REFSELLER_CONTROL_TOKEN"), "token required by /_control (env REFSELLER_CONTROL_TOKEN); empty: loopback clients only")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate file (with -tls-key)")
	tlsKey := fs.String("tls-key", "", "private key file for -tls-cert")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: refseller -key ACCESS_KEY [flags]")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "\nModes:")
		for _, m := range refseller.Modes() {
			fmt.Fprintf(stderr, "  %-20s %s\n", m, m.Description())
		}
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("-tls-cert and -tls-key go together")
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	seller, err := refseller.New(refseller.Options{
		AccessKey:       *key,
		EncryptType:     *encryptType,
		Mode:            refseller.Mode(*mode),
		SlowDelay:       *slowDelay,
		SlowNewInstance: *slowNew,
		SlowLicense:     *slowLicense,
		AppBaseURL:      *appURL,
		PlatformBaseURL: *platform,
		PlatformAK:      *ak,
		PlatformSK:      *sk,
		ControlToken:    *controlToken,
		Logger:          logger,
	})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.Handle("/_control", seller.ControlHandler())
	mux.Handle("/", seller)
	srv := &http.Server{
		Addr:              *addr,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      *slowDelay + 15*time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() {
		logger.Info("refseller listening", "addr", *addr, "tls", *tlsCert != "", "mode", seller.Mode(), "encryptType", *encryptType)
		if *tlsCert != "" {
			errc <- srv.ListenAndServeTLS(*tlsCert, *tlsKey)
		} else {
			errc <- srv.ListenAndServe()
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("refseller shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	seller.Wait()
	return err
}
