#!/usr/bin/env bash
# Reproducible build of pjsua2 (pjproject's SWIG Python binding) for the SIP
# gateway, installed into the given virtualenv.
#
# Usage: scripts/build_pjsua2.sh VENV_PYTHON
#
# Default pjproject builds (and the wheels on PyPI) allow 4 calls per process
# and a select() ioqueue of 64 handles; this build uses scripts/pjsua2/
# config_site.h (2048 call legs, 16384 handles) and the epoll ioqueue.
#
# Source: the pjproject tree (Savoir-faire Linux's fork of pjproject 2.12.1)
# inside the orig tarball of Debian 12's source package `ring`, fetched with
# `apt-get source` through a private apt configuration (the machine's apt
# sources and lists stay untouched), checked against its pinned SHA-256, with
# Debian's fix for CVE-2023-27585 applied.
#
# The wheel is cached in
#   ${PJSUA2_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pbx-companion/pjsua2}/<key>/
# where <key> hashes the source checksum, config_site.h, the configure flags,
# the Python minor version and the machine architecture. The verified source
# tarball and the patch are cached in .../sources/.
#
# Does nothing when pjsua2 in the venv already allows >= 2048 calls
# (set PJSUA2_FORCE=1 to reinstall from the cache or rebuild anyway).
# Environment: PJSUA2_CACHE_DIR, PJSUA2_FORCE, PJSUA2_APT_SOURCE (a complete
# "deb-src URI bookworm main" line; by default the Debian archive URI of the
# machine's own apt sources is used).

set -euo pipefail

# ---------------------------------------------------------------- recipe ---
# Bump RECIPE when the build steps change in a way that changes the wheel.
RECIPE=2
RING_SUITE=bookworm
RING_ORIG=ring_20230206.0~ds2.orig.tar.gz
RING_ORIG_SHA256=028661c72b962a32d30a310f5f24e77540c96c479576e886bc3a0a8e9ececff0
PJ_REV=3b78ef1c48732d238ba284cdccb04dc6de79c54f
PJ_SUBDIR=jami-20230206.0/daemon/contrib/tarballs-unpacked/pjproject-$PJ_REV.tar.gz/pjproject-$PJ_REV
PJ_STRIP=6            # path components of PJ_SUBDIR
CVE_PATCH=debian/patches/CVE-2023-27585_ring.patch
CVE_PATCH_STRIP=6     # its paths are relative to the source package root
MIN_CALLS=2048
CONFIGURE_FLAGS=(
    --enable-epoll
    --disable-video --disable-sound --disable-libyuv --disable-libwebrtc
    --disable-opencore-amr --disable-silk --disable-opus --disable-bcg729
    --disable-sdl --disable-ffmpeg --disable-v4l2 --disable-openh264
    --disable-vpx
    # Debian's repack removed the sources of these codecs
    --disable-gsm-codec --disable-speex-codec --disable-speex-aec
    --disable-ilbc-codec --disable-g7221-codec
    "CFLAGS=-O2 -fPIC" "CXXFLAGS=-O2 -fPIC"
)
PREREQS=(swig build-essential libssl-dev uuid-dev dpkg-dev)
# ---------------------------------------------------------------------------

START=$SECONDS
say() { printf '[pjsua2 %3ds] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[pjsua2] error: %s\n' "$*" >&2; exit 1; }

if [[ $# -ne 1 || $1 == -h || $1 == --help ]]; then
    echo "usage: $0 VENV_PYTHON" >&2
    exit 2
fi
PY=$1
[[ -x $PY ]] || die "not an executable Python: $PY"
# absolute (the build changes directory), but not resolved: a venv's python
# is a symlink to the base interpreter
PY=$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONFIG_SITE=$SCRIPT_DIR/pjsua2/config_site.h
CHECK=$SCRIPT_DIR/check_pjsua2.py
[[ -f $CONFIG_SITE ]] || die "missing $CONFIG_SITE"
[[ -f $CHECK ]] || die "missing $CHECK"

# ------------------------------------------------- already installed? ------
if [[ ${PJSUA2_FORCE:-0} != 1 ]] &&
   timeout 60 "$PY" "$CHECK" --quiet --min-calls "$MIN_CALLS" >/dev/null 2>&1; then
    say "pjsua2 already installed in this venv with max calls >= $MIN_CALLS: nothing to do"
    exit 0
fi

# ------------------------------------------------------------ cache key ----
PY_MINOR=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
ARCH=$(uname -m)
KEY=$(
    {
        echo "recipe=$RECIPE"
        echo "source=$RING_ORIG sha256=$RING_ORIG_SHA256 subdir=$PJ_SUBDIR"
        echo "patch=$CVE_PATCH"
        echo "python=$PY_MINOR arch=$ARCH"
        echo "configure:"
        printf '%s\n' "${CONFIGURE_FLAGS[@]}"
        echo "config_site.h:"
        cat "$CONFIG_SITE"
    } | sha256sum | cut -c1-20
)
CACHE_ROOT=${PJSUA2_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pbx-companion/pjsua2}
CACHE_DIR=$CACHE_ROOT/$KEY
SRC_CACHE=$CACHE_ROOT/sources
mkdir -p "$CACHE_ROOT"

# One build per cache at a time; a second run waits and then finds the wheel.
if command -v flock >/dev/null; then
    exec 9>"$CACHE_ROOT/.lock"
    flock 9
fi

install_wheel() {
    local whl=$1 conflicts
    # Other distributions of the same `pjsua2` module would overwrite (or,
    # when uninstalled later, delete) this build's files.
    conflicts=$("$PY" -c '
import importlib.metadata as m
for d in ("pjsua2-python", "pjsua2-pybind11"):
    try:
        m.distribution(d)
        print(d)
    except m.PackageNotFoundError:
        pass')
    if [[ -n $conflicts ]]; then
        say "uninstalling conflicting" $conflicts
        # shellcheck disable=SC2086
        "$PY" -m pip uninstall -y -q $conflicts
    fi
    "$PY" -m pip install -q --disable-pip-version-check --no-index --no-deps \
        --force-reinstall "$whl"
    if ! timeout 60 "$PY" "$CHECK" --min-calls "$MIN_CALLS"; then
        die "installed $whl but the check failed"
    fi
}

cached_wheel() { compgen -G "$CACHE_DIR/pjsua2-*.whl" | head -n1; }

WHEEL=$(cached_wheel || true)
if [[ -n $WHEEL ]]; then
    say "installing cached wheel $WHEEL"
    install_wheel "$WHEEL"
    say "done"
    exit 0
fi

# ========================================================= build path ======
say "no cached wheel for key $KEY: building (a few minutes)"

SUDO=()
if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo: cannot apt-get install"
    SUDO=(sudo)
fi

pkg_installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

ensure_packages() {
    local missing=() p
    for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
    ((${#missing[@]})) || return 0
    say "installing ${missing[*]}"
    if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
        say "apt-get update (package not found)"
        "${SUDO[@]}" apt-get update -q >/dev/null
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

NEED=("${PREREQS[@]}")
PY_INCLUDE=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
if [[ ! -f $PY_INCLUDE/Python.h ]]; then
    # Debian's own interpreter keeps its headers in a separate package.
    [[ $PY_INCLUDE == /usr/include/* ]] || die "no Python.h in $PY_INCLUDE"
    NEED+=("python$PY_MINOR-dev")
fi
ensure_packages "${NEED[@]}"

if ! "$PY" -c 'import setuptools, wheel' 2>/dev/null; then
    say "installing setuptools and wheel into the venv"
    "$PY" -m pip install -q --disable-pip-version-check setuptools wheel
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pjsua2-build.XXXXXX")
LOG=$TMP/build.log
cleanup() {
    local rc=$?
    if ((rc != 0)) && [[ -f $LOG ]]; then
        cp "$LOG" "$CACHE_ROOT/last-failed-build.log" 2>/dev/null || true
        echo "---- last lines of the build log (whole log: $CACHE_ROOT/last-failed-build.log)" >&2
        tail -n 40 "$LOG" >&2 || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
: >"$LOG"
run() { "$@" >>"$LOG" 2>&1; }

sha_ok() { echo "$RING_ORIG_SHA256  $1" | sha256sum --check --status; }

# ------------------------------------------------------------- sources -----
# A deb-src line for the Debian archive the machine already uses.
apt_source_line() {
    if [[ -n ${PJSUA2_APT_SOURCE:-} ]]; then
        echo "$PJSUA2_APT_SOURCE"
        return
    fi
    "$PY" - "$RING_SUITE" <<'EOF'
import glob, re, sys
suite = sys.argv[1]
entries = []  # (uri, suites)
for path in glob.glob("/etc/apt/sources.list.d/*.sources"):
    for stanza in re.split(r"\n\s*\n", open(path, encoding="utf-8").read()):
        fields = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            k, v = line.split(":", 1)
            fields[k.strip().lower()] = v.split()
        if fields.get("enabled", ["yes"])[0].lower() == "no":
            continue
        for uri in fields.get("uris", []):
            entries.append((uri, fields.get("suites", [])))
for path in ["/etc/apt/sources.list"] + glob.glob("/etc/apt/sources.list.d/*.list"):
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        continue
    for line in lines:
        line = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
        if len(line) >= 3 and line[0] in ("deb", "deb-src"):
            entries.append((line[1], [line[2]]))
main = [u for u, s in entries if re.search(r"/debian/?$", u)]
exact = [u for u, s in entries if suite in s and u in main]
uri = (exact or main or [None])[0]
if not uri:
    sys.exit("no Debian archive in the apt sources; set PJSUA2_APT_SOURCE")
print(f"deb-src {uri} {suite} main")
EOF
}

fetch_sources() {
    local apt="$TMP/apt" line dsc
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$apt/dl"
    line=$(apt_source_line)
    if [[ $line != *"["* && -f /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
        line=${line/deb-src /deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] }
    fi
    echo "$line" >"$apt/sources.list"
    # apt downloads as the unprivileged _apt user when run as root
    if [[ $EUID -eq 0 ]] && id _apt >/dev/null 2>&1; then
        chown -R _apt "$apt/lists" "$apt/cache" "$apt/dl"
    fi
    local opts=(
        -o "Dir::Etc::sourcelist=$apt/sources.list"
        -o "Dir::Etc::sourceparts=$apt/parts"
        -o "Dir::State::Lists=$apt/lists"
        -o "Dir::Cache=$apt/cache"
        -o "Dir::Cache::pkgcache="
        -o "Dir::Cache::srcpkgcache="
    )
    say "fetching source package ring ($line) with a private apt configuration"
    run apt-get "${opts[@]}" -q update
    (cd "$apt/dl" && run apt-get "${opts[@]}" -q source --download-only ring)
    [[ -f $apt/dl/$RING_ORIG ]] || die "apt-get source did not bring $RING_ORIG (ring has a new upstream version?)"
    sha_ok "$apt/dl/$RING_ORIG" ||
        die "SHA-256 mismatch for $RING_ORIG (expected $RING_ORIG_SHA256)"
    dsc=$(cd "$apt/dl" && ls ring_*.dsc)
    mkdir -p "$SRC_CACHE"
    tar -xJf "$apt/dl"/ring_*.debian.tar.xz -O "$CVE_PATCH" >"$SRC_CACHE/.patch.tmp" ||
        die "$CVE_PATCH is not in the Debian packaging of $dsc"
    mv "$SRC_CACHE/.patch.tmp" "$SRC_CACHE/$(basename "$CVE_PATCH")"
    echo "$dsc" >"$SRC_CACHE/patch-from.txt"
    cp "$apt/dl/$RING_ORIG" "$SRC_CACHE/.orig.tmp"
    mv "$SRC_CACHE/.orig.tmp" "$SRC_CACHE/$RING_ORIG"
    rm -rf "$apt"
}

ORIG=$SRC_CACHE/$RING_ORIG
PATCH_FILE=$SRC_CACHE/$(basename "$CVE_PATCH")
if [[ -f $ORIG && -f $PATCH_FILE ]] && sha_ok "$ORIG"; then
    say "using cached source $ORIG (SHA-256 verified)"
else
    rm -f "$ORIG" "$PATCH_FILE"
    fetch_sources
    say "source verified (SHA-256 $RING_ORIG_SHA256), cached in $SRC_CACHE"
fi

PJ=$TMP/pjproject
mkdir -p "$PJ"
say "extracting pjproject $PJ_REV"
tar -xzf "$ORIG" -C "$PJ" --strip-components="$PJ_STRIP" "$PJ_SUBDIR"
[[ -f $PJ/configure && -d $PJ/pjsip-apps/src/swig/python ]] || die "unexpected source layout"

if patch -d "$PJ" -p"$CVE_PATCH_STRIP" --forward --batch --dry-run <"$PATCH_FILE" >>"$LOG" 2>&1; then
    run patch -d "$PJ" -p"$CVE_PATCH_STRIP" --forward --batch <"$PATCH_FILE"
    say "applied CVE-2023-27585 patch (from $(cat "$SRC_CACHE/patch-from.txt" 2>/dev/null || echo Debian))"
elif patch -d "$PJ" -p"$CVE_PATCH_STRIP" --reverse --batch --dry-run <"$PATCH_FILE" >>"$LOG" 2>&1; then
    say "CVE-2023-27585 fix already present in the source"
else
    say "WARNING: CVE-2023-27585 patch does not apply; building without it"
fi

cp "$CONFIG_SITE" "$PJ/pjlib/include/pj/config_site.h"

say "configure"
(cd "$PJ" && run ./configure "${CONFIGURE_FLAGS[@]}")
grep -q 'ioqueue_epoll' "$PJ/build.mak" "$PJ"/pjlib/build/os-auto.mak 2>/dev/null ||
    die "configure did not select the epoll ioqueue"

say "make -j$(nproc) lib"
run make -C "$PJ" -j"$(nproc)" lib

SWIGDIR=$PJ/pjsip-apps/src/swig/python
say "swig: pjsua2_wrap.cpp ($(swig -version | awk '/Version/ {print $3}'))"
run make -C "$SWIGDIR" pjsua2_wrap.cpp

say "pip wheel (compiling the wrapper takes the longest)"
# The wrapper is compiled with Python's flags, which include -g: map the
# temporary build path out of its debug info.
(cd "$SWIGDIR" && CFLAGS="${CFLAGS:+$CFLAGS }-ffile-prefix-map=$PJ=pjproject" \
    run "$PY" -m pip wheel --disable-pip-version-check --no-index \
    --no-build-isolation --no-deps -w "$TMP/dist" .)
BUILT=$(compgen -G "$TMP/dist/pjsua2-*.whl" | head -n1) || true
[[ -n $BUILT ]] || die "pip wheel produced no wheel"

# Publish atomically: a half-written cache entry is never seen.
STAGE=$(mktemp -d "$CACHE_ROOT/.stage.XXXXXX")
cp "$BUILT" "$STAGE/"
{
    echo "key=$KEY"
    echo "recipe=$RECIPE"
    echo "source=$RING_ORIG sha256=$RING_ORIG_SHA256"
    echo "patch=$(cat "$SRC_CACHE/patch-from.txt" 2>/dev/null || echo '?'):$CVE_PATCH"
    echo "python=$PY_MINOR arch=$ARCH swig=$(swig -version | awk '/Version/ {print $3}')"
    echo "configure=${CONFIGURE_FLAGS[*]}"
} >"$STAGE/build-info.txt"
rm -rf "$CACHE_DIR"
mv "$STAGE" "$CACHE_DIR"
WHEEL=$(cached_wheel)
say "built $(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1)), cached in $CACHE_DIR"

install_wheel "$WHEEL"
say "done"
