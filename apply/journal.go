package apply

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/auditpack/auditpack/internal/atomicfile"
)

// The journal marks an apply that is changing the kernel: written before
// the first kernel operation, removed once the change is complete or
// rolled back. Signals are handled (the change is rolled back); a journal
// left behind means the process died without either (SIGKILL, OOM, a
// crash), so the next apply says so and converges from what it finds. It
// lives in /run: after a reboot the kernel starts empty and so does /run.

func journalPath(lockPath string) string {
	if lockPath == "" {
		lockPath = DefaultLockPath
	}
	return filepath.Join(filepath.Dir(lockPath), "apply.journal")
}

func writeJournal(path string) error {
	entry := fmt.Sprintf("pid %d started %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	if err := atomicfile.WriteFile(path, []byte(entry), 0o600); err != nil {
		return fmt.Errorf("write the apply journal: %w", err)
	}
	return nil
}

// readJournal describes an unfinished apply, or returns "".
func readJournal(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("an earlier apply (%s) never finished: it was killed before it completed or rolled back its change, so the kernel may hold part of it; this run starts from the rules the kernel holds now",
		strings.TrimSpace(string(data)))
}

func clearJournal(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the apply journal: %w", err)
	}
	return nil
}
