#!/bin/sh
# System packages the test suite needs: a CJK font to generate Chinese test PDFs,
# docker-compose to check docker-compose.yml statically (no Docker engine is needed),
# Chromium for the end-to-end test in a real browser (Playwright drives it; no download), and
# tesseract with Chinese (Simplified, Traditional) and English data for OCR of scanned pages,
# and LibreOffice without its GUI (95 MB download, 302 MB installed) for the optional
# conversion of Word and PowerPoint files to PDF (RAG_OFFICE_PDF=auto).
# Installs them with apt-get when run as root on Debian/Ubuntu; otherwise says what to install.
set -e
missing=""
fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk" || [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] \
    || missing="$missing fonts-wqy-microhei"
command -v docker-compose >/dev/null || missing="$missing docker-compose"
[ -x /usr/bin/chromium ] || missing="$missing chromium chromium-driver"
for lang in chi_sim chi_tra eng; do
    tesseract --list-langs 2>/dev/null | grep -qx "$lang" || missing="$missing tesseract-ocr-$(echo $lang | tr _ -)"
done
command -v tesseract >/dev/null || missing="$missing tesseract-ocr"
command -v soffice >/dev/null || missing="$missing libreoffice-writer-nogui libreoffice-impress-nogui"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "the tests need these Debian packages; please install:$missing" >&2
    exit 1
fi
