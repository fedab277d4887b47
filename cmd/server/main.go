// Command server runs the KooGallery marketplace: the catalog, the buyer console, the seller
// center and the operations console.
//
//	server [flags]          run the marketplace (server -h lists the flags)
//	server user create ...  add an admin or buyer account (server user -h)
//	server user reset-password ...
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"koogallery/app"
	"koogallery/config"
	"koogallery/models"
)

func main() {
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		os.Exit(subcommand(os.Args[1], os.Args[2:]))
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// subcommand runs `server <name> <args>` and returns its exit status.
func subcommand(name string, args []string) int {
	if name == "user" {
		return userMain(args, userIO{Stdin: stdinFor(os.Stdin, os.Stderr), Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	}
	fmt.Fprintf(os.Stderr, "server: unknown subcommand %q\n\nUsage:\n  server [flags]   run the marketplace (server -h lists the flags)\n"+
		"  server user ...  create accounts, reset passwords (server user -h)\n", name)
	return exitUsage
}

func run() error {
	cfg, err := config.Load(os.Args[1:], os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if a.Sandbox != nil {
		sl, err := net.Listen("tcp", cfg.SandboxAddr)
		if err != nil {
			return fmt.Errorf("sandbox seller endpoint on %s: %w (set -sandbox-addr, or empty to disable)", cfg.SandboxAddr, err)
		}
		log.Info("sandbox seller endpoint", "url", "http://"+sl.Addr().String())
		go func() {
			if err := app.Serve(ctx, sl, a.Sandbox, log); err != nil {
				log.Error("sandbox", "err", err)
			}
		}()
	}
	if a.Metrics != nil {
		ml, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listener on %s: %w (set -metrics-addr, or empty to serve /metrics on the main listener)", cfg.MetricsAddr, err)
		}
		log.Info("metrics", "url", "http://"+ml.Addr().String()+"/metrics", "token", cfg.MetricsToken != "")
		metricsDone := make(chan struct{})
		go func() {
			defer close(metricsDone)
			if err := app.Serve(ctx, ml, a.Metrics, log); err != nil {
				log.Error("metrics", "err", err)
			}
		}()
		defer func() { <-metricsDone }()
	}
	dispatching := make(chan struct{})
	go func() {
		defer close(dispatching)
		a.Dispatcher.Run(ctx)
	}()
	defer func() { <-dispatching }()
	mailing := make(chan struct{})
	go func() {
		defer close(mailing)
		a.Mailer.Run(ctx)
	}()
	defer func() { <-mailing }()
	deploying := make(chan struct{})
	go func() {
		defer close(deploying)
		a.Deployer.Run(ctx)
	}()
	defer func() { <-deploying }()
	log.Info("serving", "addr", l.Addr().String(), "url", cfg.BaseURL, "mode", cfg.Mode, "database", a.Store.Dialect())
	if cfg.Mode == config.Dev {
		fmt.Fprintf(os.Stderr, "\nKooGallery is running at %s\nDemo accounts (password %s):\n", cfg.BaseURL, models.DemoPassword)
		for _, d := range models.DemoAccounts {
			fmt.Fprintf(os.Stderr, "  %-20s %s\n", d.Email, d.Role)
		}
		fmt.Fprintln(os.Stderr)
	}
	err = a.Serve(ctx, l)
	log.Info("stopped")
	return err
}
