#!/usr/bin/env bash
# Renders every .html and .svg picture in DIR in headless Chromium and checks that each screenshot is not blank
# (more than one colour, at least 1% of the pixels off the background colour). Installs Debian's chromium when no
# Chromium is on the PATH. Exit 0: all rendered; 1: some did not (named); 2: usage/setup error.
#
#   bin/check-pictures.sh DIR [SCREENSHOT_DIR]     # keep the screenshots in SCREENSHOT_DIR (default: a temp dir)
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || ! -d "$1" ]]; then
  echo "usage: $0 DIR [SCREENSHOT_DIR]   (DIR: a folder with .html/.svg pictures)" >&2
  exit 2
fi
dir=$(cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
checker="$here/PngNotBlank.java"

chromium=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chromium=$(command -v "$c"); break; fi
done
if [[ -z "$chromium" ]]; then
  echo "no chromium on the PATH: installing Debian's chromium (apt-get)" >&2
  if [[ $(id -u) -eq 0 ]]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update && $sudo apt-get install -y chromium || { echo "could not install chromium" >&2; exit 2; }
  chromium=$(command -v chromium)
fi

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java";
elif command -v java >/dev/null 2>&1; then java=$(command -v java);
else echo "no java to check the screenshots with (set JAVA_HOME)" >&2; exit 2; fi

if [[ $# -eq 2 ]]; then shots=$(mkdir -p "$2" && cd "$2" && pwd); else
  shots=$(mktemp -d); trap 'rm -rf "$shots"' EXIT; fi

shopt -s nullglob
files=("$dir"/*.html "$dir"/*.svg)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "no .html or .svg files in $dir" >&2
  exit 2
fi

failed=0
for f in "${files[@]}"; do
  name=$(basename "$f")
  shot="$shots/$name.png"
  log="$shots/$name.log"
  rm -f "$shot"
  # a fresh profile per page keeps runs independent; the timeout guards against a hung browser
  profile=$(mktemp -d)
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$profile" --screenshot="$shot" --window-size=1200,800 "file://$f" >"$log" 2>&1 || true
  rm -rf "$profile"
  if [[ ! -s "$shot" ]]; then
    echo "FAIL $name: chromium wrote no screenshot (last lines of its log:)"
    tail -n 5 "$log" | sed 's/^/    /'
    failed=1
    continue
  fi
  if verdict=$("$java" "$checker" "$shot"); then
    echo "ok   $name: $verdict"
  else
    echo "FAIL $name: screenshot is $verdict"
    failed=1
  fi
done
exit $failed
