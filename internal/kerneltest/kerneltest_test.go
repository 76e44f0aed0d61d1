package kerneltest

import "testing"

// AUDITPACK_NO_KERNEL skips a kernel test before it takes the lock or
// reads the kernel, for root too.
func TestNoKernelSkips(t *testing.T) {
	t.Setenv(NoKernel, "1")
	var acquired bool
	t.Run("kernel", func(t *testing.T) {
		Acquire(t)
		acquired = true
	})
	if acquired {
		t.Fatalf("Acquire returned with %s set", NoKernel)
	}
}
