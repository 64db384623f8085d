#!/usr/bin/env bash
# Installs the Debian packages annotator needs (OCR engines and language data, CJK fonts,
# Qt's X11/EGL libraries, Xvfb for headless screenshots). Does nothing when all are present.
set -euo pipefail
PACKAGES=(
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert tesseract-ocr-eng
  fonts-noto-cjk
  poppler-utils
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
  xvfb xauth
  python3-venv
)
# `install-system-deps.sh packaging`: also what `make package` needs (PyInstaller's objdump,
# the desktop-file and AppStream validators, lintian).
if [ "${1:-}" = packaging ]; then
  PACKAGES+=(binutils desktop-file-utils appstream lintian)
fi
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
