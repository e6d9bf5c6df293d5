#!/usr/bin/env bash
# LibreOffice for the exports' last checks: the year-end workbook (Calc) and the
# report to CAST (Writer) convert to PDF; poppler-utils gives pdftoppm for the
# README's picture of the report's first page; fonts-noto-cjk sets the Chinese
# text (its Serif CJK stands in for 仿宋_GB2312 and 方正小标宋简体 on a machine
# without them). Installs Debian's packages where any of them is missing.
set -uo pipefail
have() { dpkg -s "$1" >/dev/null 2>&1; }
if have libreoffice-calc-nogui && have libreoffice-writer-nogui && have fonts-noto-cjk && have poppler-utils; then
  exit 0
fi
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  libreoffice-calc-nogui libreoffice-writer-nogui fonts-noto-cjk poppler-utils >/dev/null) || exit 1
command -v libreoffice >/dev/null 2>&1
