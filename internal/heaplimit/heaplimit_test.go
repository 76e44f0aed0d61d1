package heaplimit

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestFitGrowsWithInputAndNeverShrinks(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	// Before the text is read, its lines are at least one per longLine bytes.
	Fit(longLine*200_000, 0)
	if got := debug.SetMemoryLimit(-1); got != perLine*200_000 {
		t.Errorf("after Fit(%d, 0): limit %d, want %d", longLine*200_000, got, perLine*200_000)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	for _, c := range []struct {
		lines int
		want  int64
	}{
		{0, floor},
		{10_000, floor},
		{1_000_000, perLine * 1_000_000},
		{10_000, perLine * 1_000_000}, // a smaller set later keeps the larger limit
	} {
		Fit(0, c.lines)
		if got := debug.SetMemoryLimit(-1); got != c.want {
			t.Errorf("after Fit(0, %d): limit %d, want %d", c.lines, got, c.want)
		}
		if percent := debug.SetGCPercent(-1); percent != -1 {
			t.Errorf("after Fit(0, %d): GOGC %d, want off (the limit collects)", c.lines, percent)
		}
	}
}

func TestFitLeavesTheUsersSettings(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, env := range []string{"GOMEMLIMIT", "GOGC"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv("GOGC", "")
			t.Setenv(env, "1000")
			Fit(0, 1_000_000)
			if limit, percent := debug.SetMemoryLimit(-1), debug.SetGCPercent(100); limit != math.MaxInt64 || percent != 100 {
				t.Errorf("with %s set, Fit set the limit to %d and GOGC to %d", env, limit, percent)
			}
		})
	}
}

// hugeAdvisedBytes sums the mappings of this process advised for huge
// pages ("hg" among their VmFlags in /proc/self/smaps).
func hugeAdvisedBytes(t *testing.T) int {
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	total, size := 0, 0
	for line := range strings.Lines(string(smaps)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if from, to, ok := strings.Cut(fields[0], "-"); ok && !strings.HasSuffix(fields[0], ":") {
			lo, err1 := strconv.ParseUint(from, 16, 64)
			hi, err2 := strconv.ParseUint(to, 16, 64)
			if err1 == nil && err2 == nil {
				size = int(hi - lo)
				continue
			}
		}
		if fields[0] == "VmFlags:" && slices.Contains(fields[1:], "hg") {
			total += size
		}
	}
	return total
}

// residentBytes is this process's resident memory (VmRSS).
func residentBytes(t *testing.T) int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatalf("VmRSS line %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestFitAdvisesHugePages runs Fit in a fresh process (this test binary
// again) for input sizes, one call each, and reads how much more of the
// process is advised for huge pages after them than before, and how much
// more is resident: the ballast must never be touched.
func TestFitAdvisesHugePages(t *testing.T) {
	if sizes := os.Getenv("HEAPLIMIT_CHILD_INPUTS"); sizes != "" {
		advisedBefore, residentBefore := hugeAdvisedBytes(t), residentBytes(t)
		for _, size := range strings.Fields(sizes) {
			n, _ := strconv.Atoi(size)
			Fit(n, 0)
		}
		fmt.Printf("advised %d resident %d\n", hugeAdvisedBytes(t)-advisedBefore, residentBytes(t)-residentBefore)
		return
	}
	// Only a host whose THP setting is "madvise" is asked for huge pages.
	asks := thpMode() == "madvise"
	for _, c := range []struct {
		inputs  string // Fit's calls in order
		godebug string
		least   int // bytes newly advised, at least
		most    int // and at most
	}{
		{"10485760", "", perLine * (10 << 20 / shortLine), math.MaxInt},
		{strconv.Itoa(1<<20 - shortLine), "", 0, 0}, // small sets keep 4 KiB pages
		{"10485760", "disablethp=1", 0, 0},          // as the user asked
		{"1000 104857600", "", 0, 0},                // only the first call advises
		{"10485760 104857600", "", perLine * (10 << 20 / shortLine), perLine * (20 << 20 / shortLine)},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFitAdvisesHugePages$")
		cmd.Env = append(os.Environ(), "HEAPLIMIT_CHILD_INPUTS="+c.inputs, "GODEBUG="+c.godebug)
		out, err := cmd.CombinedOutput()
		var advised, resident int
		if _, scanErr := fmt.Sscanf(string(out), "advised %d resident %d", &advised, &resident); err != nil || scanErr != nil {
			t.Fatalf("child for %s: %v %v\n%s", c.inputs, err, scanErr, out)
		}
		if !asks {
			c.least, c.most = 0, 0
		}
		if advised < c.least || advised > c.most {
			t.Errorf("Fit(%s) with GODEBUG=%q advised %d bytes for huge pages, want %d to %d", c.inputs, c.godebug, advised, c.least, c.most)
		}
		if resident > 8<<20 {
			t.Errorf("Fit(%s) made %d more bytes resident: the ballast was touched", c.inputs, resident)
		}
	}
}

func TestTHPMode(t *testing.T) {
	defer func(path string) { thpSetting = path }(thpSetting)
	dir := t.TempDir()
	for setting, want := range map[string]string{
		"always [madvise] never\n": "madvise",
		"[always] madvise never\n": "always",
		"always madvise [never]\n": "never",
	} {
		thpSetting = filepath.Join(dir, "enabled")
		if err := os.WriteFile(thpSetting, []byte(setting), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := thpMode(); got != want {
			t.Errorf("setting %q read as %q, want %q", setting, got, want)
		}
	}
	thpSetting = filepath.Join(dir, "missing")
	if got := thpMode(); got != "" {
		t.Errorf("a kernel without THP read as %q, want none", got)
	}
}
