#!/usr/bin/env bash
# Make the macOS disk image: the .app next to a link to /Applications, so a
# student drags one onto the other.  Uses only macOS's own tools (hdiutil,
# codesign).  Called by packaging/build.py macos:
#   make_dmg.sh "dist/Backprop Playground.app" dist/backprop-playground-X.Y.Z-macos-arm64.dmg "Backprop Playground"
set -euo pipefail

app=${1:?usage: make_dmg.sh APP DMG VOLUME_NAME}
dmg=${2:?usage: make_dmg.sh APP DMG VOLUME_NAME}
volume=${3:-Backprop Playground}

[ -d "$app" ] || { echo "no app bundle at $app" >&2; exit 1; }
[ "$(uname -s)" = Darwin ] || { echo "make_dmg.sh runs on macOS only" >&2; exit 1; }

# Without a Developer ID the app carries an ad-hoc signature: Apple Silicon runs
# nothing unsigned.  (Gatekeeper still asks the user to confirm the first start.)
if ! codesign --verify --deep --strict "$app" 2>/dev/null; then
    codesign --force --deep --sign - "$app"
fi
codesign --verify --deep --strict "$app"

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"

rm -f "$dmg"
hdiutil create -volname "$volume" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"
hdiutil verify "$dmg"
echo "$dmg"
