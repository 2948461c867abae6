#!/usr/bin/env bash
# Installs the real TFTP peers the interoperability tests run against (Debian or Ubuntu, as root or
# with sudo): tftpd-hpa, dnsmasq and the clients curl, atftp and tftp-hpa from the distribution (and
# strace, which the durability test watches the host tool with), and
# atftpd, which conflicts with tftpd-hpa as a package, unpacked into tests/peers/.local/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

export DEBIAN_FRONTEND=noninteractive
# tftpd-hpa and dnsmasq must not start as system services: the tests start their own on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
# A run that was stopped while installing leaves dpkg half-done, and every later apt-get refuses to
# run until it is finished.
$sudo dpkg --configure -a
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends tftpd-hpa tftp-hpa atftp dnsmasq-base curl strace >/dev/null

download=$(mktemp -d)
(cd "$download" && apt-get download atftpd >/dev/null 2>&1)
rm -rf "$here/.local"
dpkg -x "$download"/atftpd_*.deb "$here/.local"
rm -rf "$download"
"$here/.local/usr/sbin/atftpd" --version >/dev/null 2>&1 || true
echo "peers installed: $(command -v in.tftpd) $(command -v dnsmasq) $here/.local/usr/sbin/atftpd $(command -v curl atftp tftp | tr '\n' ' ')"
