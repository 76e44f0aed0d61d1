#!/bin/sh
# rpm %preun: before the last version is erased ($1 is 0; an upgrade
# passes 1), the drift timer is disabled and stopped, as Fedora's
# %systemd_preun does, so neither a wants link nor a run is left behind.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
	systemctl --no-reload disable --now auditpack-drift.timer auditpack-drift.service >/dev/null 2>&1 || true
fi
