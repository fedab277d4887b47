package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cpuSample is a reading of the machine's CPU counters (Linux /proc, in clock ticks): all busy
// time, this process's, and the database server's, so a run can tell how much of the machine
// something else took while it measured (other builds and tests share the CPUs).
type cpuSample struct {
	ok              bool
	at              time.Time
	busy, self, db  float64
	dbFound, selfOK bool
}

// dbPID is the local MySQL/MariaDB server's process, if it runs on this machine.
var dbPID = func() string {
	procs, _ := filepath.Glob("/proc/[0-9]*/comm")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		switch strings.TrimSpace(string(b)) {
		case "mariadbd", "mysqld":
			return filepath.Base(filepath.Dir(p))
		}
	}
	return ""
}()

func sampleCPU() cpuSample {
	s := cpuSample{at: time.Now()}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 8 || f[0] != "cpu" {
		return s
	}
	// user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
	for i, v := range f[1:] {
		n, _ := strconv.ParseFloat(v, 64)
		if i == 3 || i == 4 || i >= 8 {
			continue
		}
		s.busy += n
	}
	s.ok = true
	s.self, s.selfOK = procCPU("self")
	if dbPID != "" {
		s.db, s.dbFound = procCPU(dbPID)
	}
	return s
}

// procCPU is a process's user + system time in clock ticks.
func procCPU(pid string) (float64, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, false
	}
	// Fields after the parenthesised command: utime and stime are the 12th and 13th.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return u + st, true
}

// cpuShare is what the machine's CPUs did between two samples, as shares of all CPUs' time.
type cpuShare struct {
	OK                 bool
	Bench, DB, Foreign float64 // this process, the database server, everything else
}

func shareBetween(a, b cpuSample, cpus int) cpuShare {
	if !a.ok || !b.ok || !a.selfOK || !b.selfOK {
		return cpuShare{}
	}
	const hz = 100.0 // USER_HZ on Linux
	total := b.at.Sub(a.at).Seconds() * hz * float64(cpus)
	if total <= 0 {
		return cpuShare{}
	}
	self := b.self - a.self
	db := 0.0
	if a.dbFound && b.dbFound {
		db = b.db - a.db
	}
	foreign := max(0, (b.busy-a.busy)-self-db)
	return cpuShare{OK: true, Bench: self / total, DB: db / total, Foreign: foreign / total}
}

// waitQuiet waits up to limit for a second in which other processes use less than threshold
// of the CPUs, so a shared machine's builds and tests disturb the measurement less. It reports
// the last share it saw.
func waitQuiet(limit time.Duration, threshold float64, cpus int) (cpuShare, bool) {
	deadline := time.Now().Add(limit)
	var last cpuShare
	for {
		a := sampleCPU()
		time.Sleep(time.Second)
		last = shareBetween(a, sampleCPU(), cpus)
		if !last.OK || last.Foreign < threshold {
			return last, true
		}
		if time.Now().After(deadline) {
			return last, false
		}
	}
}
