#!/bin/sh
# System packages the test suite needs: a CJK font to generate Chinese test PDFs.
# Installs them with apt-get when run as root on Debian/Ubuntu; otherwise says what to install.
set -e
missing=""
fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk" || [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] \
    || missing="$missing fonts-wqy-microhei"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "please install:$missing (the tests generate Chinese PDFs with it)" >&2
    exit 1
fi
