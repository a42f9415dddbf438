#!/bin/sh
# Install (or with --uninstall, remove) bp-desktop's menu entry, AppStream metainfo and icons
# for the current user, following the XDG base directories:
#   $XDG_DATA_HOME/applications/io.github.bp_desktop.desktop        (Exec = the given program)
#   $XDG_DATA_HOME/metainfo/io.github.bp_desktop.metainfo.xml
#   $XDG_DATA_HOME/icons/hicolor/{16x16,...,256x256,scalable}/apps/io.github.bp_desktop.{png,svg}
# Usage: install-desktop.sh PROGRAM      (an absolute path to bp-desktop, pip's or the standalone one)
#        install-desktop.sh --uninstall
# Works from the checkout (packaging/linux/) and from a standalone build (dist/bp-desktop/linux/),
# where PROGRAM defaults to the build's own bp-desktop.
set -eu

APP_ID=io.github.bp_desktop
SIZES="16 32 48 64 128 256"
HERE=$(cd "$(dirname "$0")" && pwd)
ICONS="$HERE/../../resources/icons"                      # in the checkout
[ -d "$ICONS" ] || ICONS="$HERE/../_internal/resources/icons"  # in a standalone build
BUNDLED="$HERE/../bp-desktop"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"

refresh_caches() {  # optional tools; menus pick up the files without them, only later
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$DATA/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATA/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$DATA/applications/$APP_ID.desktop" "$DATA/metainfo/$APP_ID.metainfo.xml" \
          "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
    for size in $SIZES; do rm -f "$DATA/icons/hicolor/${size}x$size/apps/$APP_ID.png"; done
    refresh_caches
    echo "removed bp-desktop's menu entry, metainfo and icons from $DATA"
    exit 0
fi

if [ $# -eq 0 ] && [ -x "$BUNDLED" ] && [ -d "$HERE/../_internal" ]; then
    set -- "$(cd "$HERE/.." && pwd)/bp-desktop"
fi
PROGRAM="${1:?usage: install-desktop.sh /absolute/path/to/bp-desktop | --uninstall}"
case "$PROGRAM" in
    /*) ;;
    *) echo "install-desktop.sh: give the program as an absolute path, not '$PROGRAM'" >&2; exit 2 ;;
esac
case "$PROGRAM" in  # characters the Exec key would need escaped: refuse rather than guess
    *[\"\`\$\\%\ ]*) echo "install-desktop.sh: '$PROGRAM' has spaces or quoting characters; move it or link to it" >&2; exit 2 ;;
esac
if [ ! -x "$PROGRAM" ]; then
    echo "install-desktop.sh: '$PROGRAM' is not an executable file" >&2
    exit 2
fi

mkdir -p "$DATA/applications" "$DATA/metainfo" "$DATA/icons/hicolor/scalable/apps"
sed -e "s|^Exec=.*|Exec=$PROGRAM|" -e "/^Exec=/a TryExec=$PROGRAM" \
    "$HERE/$APP_ID.desktop" > "$DATA/applications/$APP_ID.desktop.tmp"
mv "$DATA/applications/$APP_ID.desktop.tmp" "$DATA/applications/$APP_ID.desktop"
cp "$HERE/$APP_ID.metainfo.xml" "$DATA/metainfo/$APP_ID.metainfo.xml"
cp "$ICONS/bp-desktop.svg" "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
for size in $SIZES; do
    mkdir -p "$DATA/icons/hicolor/${size}x$size/apps"
    cp "$ICONS/bp-desktop-$size.png" "$DATA/icons/hicolor/${size}x$size/apps/$APP_ID.png"
done
refresh_caches
echo "installed bp-desktop's menu entry ($DATA/applications/$APP_ID.desktop -> $PROGRAM), metainfo and icons"
