#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (as root):
#   bash scripts/setup.sh run    install what is missing, build, open the app
#   bash scripts/setup.sh test   install what is missing, build, run every test (plain and ASan+UBSan)
set -euo pipefail

mode=${1:-}
case "$mode" in
  run|test) ;;
  *) echo "usage: bash scripts/setup.sh run|test" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

# Every package the build, the app and the tests use. Tests make their clips with the ffmpeg CLI
# and start their own Xvfb and PulseAudio (null sink) for capture; xdotool drives the app in one.
# The team server (serve/) uses libmicrohttpd (with GnuTLS, for --tls-cert) and OpenSSL's libcrypto; its
# tests talk to it with libcurl, make a certificate with the openssl command, check the catalog with sqlite3
# and upload with a real tus client (tus-js-client, pinned in package.json/package-lock.json) run by nodejs;
# bench/serve loads it with wrk and compares its media with nginx's (which the bench starts on its own port).
# The web viewer's browser tests drive Debian's chromium headless with playwright-core (pinned like tus-js-client;
# it downloads no browser).
# The desktop tests take the screen with ImageMagick's import and crop it with its convert.
# The app's fonts: DejaVu, Noto, Droid Sans Fallback (CJK) and Nanum (Hangul) cover most scripts.
packages=(
  build-essential dpkg-dev cmake ninja-build pkg-config
  libavdevice-dev libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev libswscale-dev libswresample-dev
  libx11-dev libxext-dev libxdamage-dev libxfixes-dev libpulse-dev
  libsdl2-dev libimgui-dev libstb-dev libgl-dev libsqlite3-dev
  doctest-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libmicrohttpd-dev libssl-dev libcurl4-openssl-dev curl openssl sqlite3 wrk nginx
  fonts-dejavu-core fonts-noto-core fonts-droid-fallback fonts-nanum ffmpeg xvfb pulseaudio xdotool xterm imagemagick
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm run the tests' npm packages. A machine may already have them from elsewhere (NodeSource's
# nodejs, which conflicts with Debian's npm package): only when a command is missing are Debian's installed.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these packages are missing: ${missing[*]}" >&2
    echo "setup: run this script as root (or install them with: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The npm packages the tests use, exactly as package-lock.json pins them.
# Again when package-lock.json is newer than what npm last installed (a package was added since).
if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "setup: installing the npm packages of package-lock.json (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund)
fi

build() {  # build DIR [cmake options...]
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja -DWT_WERROR=ON "$@" >/dev/null
  ninja -C "$dir" -j "$jobs"
}

# run and test share one build, and it is the one a Debian package makes: Release with the distribution's
# flags (debug info, hardening, _FORTIFY_SOURCE) and, as a packager builds it, warnings shown but not
# fatal (GCC 12 at -O3 has false positives). So CI compiles and tests the packagers' configuration without
# compiling everything a second time; the ASan+UBSan build below is the one with -Werror. Given as cache
# values, not as CXXFLAGS, so that they also reach an existing build folder.
debian_flags() {
  local cxx cppflags ldflags
  cxx=$(dpkg-buildflags --get CXXFLAGS); cppflags=$(dpkg-buildflags --get CPPFLAGS)
  ldflags=$(dpkg-buildflags --get LDFLAGS)
  printf '%s\n' -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS=$(dpkg-buildflags --get CFLAGS) $cppflags" \
    "-DCMAKE_CXX_FLAGS=$cxx $cppflags" "-DCMAKE_EXE_LINKER_FLAGS=$ldflags" "-DCMAKE_SHARED_LINKER_FLAGS=$ldflags" \
    -DWT_WERROR=OFF
}
mapfile -t release < <(debian_flags)

if [ "$mode" = run ]; then
  build "$root/build" "${release[@]}"
  exec "$root/build/app/walkthrough"
fi

build "$root/build" "${release[@]}"
ctest --test-dir "$root/build" -j "$jobs" --output-on-failure
echo "setup: the same suites under AddressSanitizer + UndefinedBehaviorSanitizer"
build "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DWT_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$root/build-asan" -j "$jobs" --output-on-failure
