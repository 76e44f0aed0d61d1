#!/bin/sh
# deb prerm: before the package is removed (not upgraded), the drift timer
# and its service are stopped, so no run starts on a binary that is gone.
# deb-systemd-invoke honours policy-rc.d, as Debian's own packages do.
set -e
if [ "$1" = remove ] && [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ] && command -v deb-systemd-invoke >/dev/null; then
	deb-systemd-invoke stop auditpack-drift.timer auditpack-drift.service >/dev/null || true
fi
