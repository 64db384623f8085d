#!/usr/bin/env bash
# Install the .deb on this machine (apt resolves its Depends), check what it installed and run
# the launcher's self-test; then remove it unless KEEP_DEB=1:
#   bash packaging/check-deb.sh dist/annotator_0.1.0_amd64.deb
set -euo pipefail
DEB="$(realpath "${1:?path to the .deb}")"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$DEB" >&2
[ "${KEEP_DEB:-0}" = 1 ] || trap '$SUDO dpkg -r annotator >&2' EXIT
for f in /usr/bin/annotator /opt/annotator/annotator /usr/share/applications/org.example.ComicPanelAnnotator.desktop \
         /usr/share/metainfo/org.example.ComicPanelAnnotator.metainfo.xml \
         /usr/share/icons/hicolor/scalable/apps/org.example.ComicPanelAnnotator.svg; do
  [ -e "$f" ] || { echo "missing after install: $f" >&2; exit 1; }
done
desktop-file-validate /usr/share/applications/org.example.ComicPanelAnnotator.desktop
# The desktop file is registered for .cbz files (desktop-file-utils' trigger fills the cache).
if [ -f /usr/share/applications/mimeinfo.cache ]; then
  grep -q "application/vnd.comicbook+zip=.*org.example.ComicPanelAnnotator.desktop" /usr/share/applications/mimeinfo.cache \
    || { echo "the .cbz association is not in mimeinfo.cache" >&2; exit 1; }
  echo "mimeinfo.cache: .cbz opens with org.example.ComicPanelAnnotator.desktop"
fi
cd "$(mktemp -d)"
QT_QPA_PLATFORM=offscreen /usr/bin/annotator --self-test
