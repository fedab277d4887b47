package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/sqldb"
)

// secretReader is a terminal: it shows a prompt and reads a line without echoing it.
type secretReader interface {
	ReadSecret(prompt string) (string, error)
}

// stdinFor is the command's standard input: a secretReader when f is a terminal.
func stdinFor(f *os.File, prompts io.Writer) io.Reader {
	if term.IsTerminal(int(f.Fd())) {
		return tty{in: f, out: prompts}
	}
	return f
}

// tty reads secrets from a terminal, prompting on out.
type tty struct {
	in  *os.File
	out io.Writer
}

// Read reads the terminal as it is.
func (t tty) Read(p []byte) (int, error) { return t.in.Read(p) }

// ReadSecret reads one line with echo off. An interrupt while typing puts the terminal back
// the way it was before the process ends (it would stay without echo otherwise).
func (t tty) ReadSecret(prompt string) (string, error) {
	fd := int(t.in.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			_ = term.Restore(fd, state)
			fmt.Fprintln(t.out)
			os.Exit(130)
		case <-done:
		}
	}()
	fmt.Fprint(t.out, prompt)
	b, err := term.ReadPassword(fd)
	close(done)
	signal.Stop(sig)
	fmt.Fprintln(t.out)
	return string(b), err
}

// maxPasswordLine bounds what is read from a pipe: far above any acceptable password.
const maxPasswordLine = 4096

// errNoPassword: standard input held no password.
var errNoPassword = errors.New("no password on standard input: type it when asked, or pipe one line, e.g. printf '%s\\n' \"$PASSWORD\" | server user …")

// readPassword gets the new password of the account with this email from standard input: on
// a terminal typed twice without echo (checked after the first time, a mismatch refused);
// otherwise the first line. Its strength is checked either way (sqldb.FieldErrors).
func readPassword(std userIO, email string) (string, error) {
	if t, ok := std.Stdin.(secretReader); ok {
		pw, err := t.ReadSecret(fmt.Sprintf("New password for %s: ", email))
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		if msg := account.CheckPassword(pw, email); msg != "" {
			return "", sqldb.FieldErrors{"password": msg}
		}
		again, err := t.ReadSecret("Type it again: ")
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		if again != pw {
			return "", errors.New("password: " + i18n.T(i18n.EN, "account.err.password_mismatch") + " Nothing was changed.")
		}
		return pw, nil
	}
	pw, err := readLine(std.Stdin)
	if err != nil {
		return "", err
	}
	if msg := account.CheckPassword(pw, email); msg != "" {
		return "", sqldb.FieldErrors{"password": msg}
	}
	return pw, nil
}

// readLine reads up to the first newline (without it, nor a carriage return before it).
// Reading byte by byte leaves the rest of the input unread.
func readLine(r io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			if len(line) >= maxPasswordLine {
				return "", fmt.Errorf("password: the line on standard input is longer than %d bytes", maxPasswordLine)
			}
			line = append(line, b[0])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if len(line) == 0 {
		return "", errNoPassword
	}
	return string(line), nil
}
