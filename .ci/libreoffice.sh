#!/usr/bin/env bash
# LibreOffice for the export test's last check: the year-end workbook converts
# to a PDF with pages in it. Installs Debian's headless Calc where it is missing.
set -uo pipefail
command -v libreoffice >/dev/null 2>&1 && exit 0
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  libreoffice-calc-nogui fonts-noto-cjk >/dev/null) || exit 1
command -v libreoffice >/dev/null 2>&1
