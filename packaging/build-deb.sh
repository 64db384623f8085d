#!/usr/bin/env bash
# Build a .deb from the one-folder app with dpkg-deb (no debhelper needed):
#   bash packaging/build-deb.sh dist/annotator dist
# Installs the app under /opt/annotator, a launcher /usr/bin/annotator, the desktop file (which
# also associates .cbz files), AppStream metainfo, icons, a man page and the copyright file.
# Desktop, MIME and icon caches are refreshed by dpkg triggers, so there are no maintainer scripts.
set -euo pipefail
APP_DIR=${1:?one-folder app directory (dist/annotator)}
OUT=${2:?output directory}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
APP_ID=org.example.ComicPanelAnnotator
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/annotator/__init__.py")
ARCH=$(dpkg --print-architecture)
STAGE="$ROOT/build/deb/annotator_${VERSION}_${ARCH}"

rm -rf "$STAGE"
install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/metainfo" "$STAGE/usr/share/doc/annotator" "$STAGE/usr/share/man/man1" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/lintian/overrides"
cp -a "$APP_DIR" "$STAGE/opt/annotator"
rm -f "$STAGE/opt/annotator/_internal/annotator/_data/seeds/make_demo.py"  # a developer's script, not data
# Files that must not be writable by others or executable without reason (lintian checks).
find "$STAGE/opt/annotator" -type d -exec chmod 0755 {} +
find "$STAGE/opt/annotator" -type f ! -perm /111 -exec chmod 0644 {} +
find "$STAGE/opt/annotator" -type f -perm /111 -exec chmod 0755 {} +

cat > "$STAGE/usr/bin/annotator" <<'LAUNCHER'
#!/bin/sh
# Launcher for the bundled Comic Panel Annotator in /opt/annotator.
exec /opt/annotator/annotator "$@"
LAUNCHER
chmod 0755 "$STAGE/usr/bin/annotator"

install -m 0644 "$ROOT/resources/$APP_ID.desktop" "$STAGE/usr/share/applications/"
install -m 0644 "$ROOT/resources/$APP_ID.metainfo.xml" "$STAGE/usr/share/metainfo/"
install -m 0644 "$ROOT/resources/icons/$APP_ID.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/"
for png in "$ROOT"/resources/icons/hicolor/*/apps/"$APP_ID.png"; do
  size=$(basename "$(dirname "$(dirname "$png")")")
  install -D -m 0644 "$png" "$STAGE/usr/share/icons/hicolor/$size/apps/$APP_ID.png"
done
install -m 0644 "$ROOT/packaging/debian/copyright" "$STAGE/usr/share/doc/annotator/copyright"
gzip -9n -c "$ROOT/packaging/debian/changelog" > "$STAGE/usr/share/doc/annotator/changelog.gz"
chmod 0644 "$STAGE/usr/share/doc/annotator/changelog.gz"
gzip -9n -c "$ROOT/packaging/debian/annotator.1" > "$STAGE/usr/share/man/man1/annotator.1.gz"
chmod 0644 "$STAGE/usr/share/man/man1/annotator.1.gz"
install -m 0644 "$ROOT/packaging/debian/lintian-overrides" "$STAGE/usr/share/lintian/overrides/annotator"

SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
  "$ROOT/packaging/debian/control" > "$STAGE/DEBIAN/control"

mkdir -p "$OUT"
# gzip: dpkg's default xz took over 20 minutes on this 550 MB app on a loaded 2-core machine;
# zstd is as fast but lintian (Debian's archive rules) rejects it. DEB_COMPRESS="-Zxz -z6" gives
# the smallest file when there is time.
# shellcheck disable=SC2086
dpkg-deb --root-owner-group ${DEB_COMPRESS:--Zgzip -z6} --build "$STAGE" "$OUT/annotator_${VERSION}_${ARCH}.deb"
echo "$OUT/annotator_${VERSION}_${ARCH}.deb"
