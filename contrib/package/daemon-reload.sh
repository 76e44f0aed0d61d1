#!/bin/sh
# After the package is installed, upgraded or removed (deb postinst and
# postrm, rpm %post and %postun): systemd reads the drift units again, so
# an upgraded unit takes effect and a removed one is gone. The timer is
# never enabled here; the admin turns it on. Nothing is done without a
# running systemd, nor where dpkg installs into another root (DPKG_ROOT:
# an image being built), whose systemd is not this one.
set -e
if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
