// Package apply puts a compiled rule set on the running kernel: it reads
// the kernel's rules and status over netlink, shows the difference as a
// unified diff (or JSON), refuses up front what the kernel would reject,
// changes only what differs, and restores the previous rules and settings
// when any step fails, so the kernel ends exactly old or exactly new.
package apply
