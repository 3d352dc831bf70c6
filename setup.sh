#!/usr/bin/env bash
# Set up this project on a fresh Debian 12 machine: system packages (when run as
# root), a virtual environment in .venv and the package itself.
#   ./setup.sh          what the bots and the demo need
#   ./setup.sh --dev    also the test tools and the servers the tests start
set -euo pipefail
cd "$(dirname "$0")"

dev=0
[ "${1:-}" = "--dev" ] && dev=1

packages="chromium tesseract-ocr poppler-utils fonts-dejavu-core"
[ $dev = 1 ] && packages="$packages dovecot-imapd postgresql tryton-server tryton-modules-sale tryton-modules-account-statement tryton-modules-account-invoice tryton-sao tryton-proteus"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: please install these Debian packages first (as root):$missing" >&2
    exit 1
  fi
fi
# Dovecot and PostgreSQL must not run as system services; the tests start their own.
for svc in dovecot postgresql; do
  command -v service >/dev/null && service "$svc" stop >/dev/null 2>&1 || true
done

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
extra=""
[ $dev = 1 ] && extra="[dev]"
.venv/bin/python -m pip install -q -e ".$extra" 2>&1 | grep -v -e "is ignored" -e "^$" || true
.venv/bin/o2c --version
echo "setup: done. Commands are in .venv/bin (o2c)."
