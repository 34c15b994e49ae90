#!/usr/bin/env bash
# Installs moto's server (S3, IAM and STS on one port) for the test suite, without touching the
# system's Python or apt lists.
#
# Debian: python3-moto (architecture all) and python3-antlr4 come from the `trixie` suite, through a
# private apt sources list that reuses the URI of the machine's own Debian source; the remaining
# dependencies come from the machine's own suite. Every package is unpacked with `dpkg -x` into
# $MOTO_HOME (default: <repo>/.cache/moto), and scripts/moto-python runs the system python3 with
# that folder on PYTHONPATH.
# Elsewhere: `pip install "moto[server]"` into a virtualenv in $MOTO_HOME.
#
# Idempotent: a second run with a working install returns at once.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOTO_HOME="${MOTO_HOME:-$repo/.cache/moto}"
stamp="$MOTO_HOME/.installed"

say() { printf '[install-moto] %s\n' "$*" >&2; }

if [[ -f "$stamp" ]] && "$repo/scripts/moto-python" -c "import moto.server" >/dev/null 2>&1; then
  say "moto already installed in $MOTO_HOME ($(cat "$stamp"))"
  exit 0
fi

mkdir -p "$MOTO_HOME"

install_debian() {
  local sources_file uri root
  sources_file=""
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [[ -f "$f" ]] && sources_file="$f" && break
  done
  [[ -n "$sources_file" ]] || { say "no Debian apt source found"; return 1; }
  if [[ "$sources_file" == *.sources ]]; then
    uri="$(awk '/^URIs:/ {print $2; exit}' "$sources_file")"
  else
    uri="$(awk '/^deb / && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' "$sources_file")"
  fi
  [[ -n "$uri" ]] || { say "could not read the Debian mirror URI from $sources_file"; return 1; }

  # Two private apt states under $MOTO_HOME/apt: "trixie" (the machine's mirror, suite trixie) and
  # "own" (a copy of the machine's own Debian sources). The system's lists stay untouched.
  root="$MOTO_HOME/apt"
  local own="$root/own" trixie="$root/trixie"
  mkdir -p "$root/debs"
  for state in "$own" "$trixie"; do
    mkdir -p "$state/etc/sources.list.d" "$state/lists/partial" "$state/cache/archives/partial"
    : >"$state/etc/sources.list"
  done
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s trixie main\n' "$uri" >"$trixie/etc/sources.list"
  if [[ "$sources_file" == *.sources ]]; then
    cp "$sources_file" "$own/etc/sources.list.d/$(basename "$sources_file")"
  else
    cp "$sources_file" "$own/etc/sources.list"
  fi
  apt_in() {
    local state="$1"
    shift
    apt-get -o "Dir::Etc::SourceList=$state/etc/sources.list" -o "Dir::Etc::SourceParts=$state/etc/sources.list.d" \
      -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache" -o "Debug::NoLocking=1" \
      -o "APT::Sandbox::User=root" "$@"
  }
  cache_in() {
    local state="$1"
    shift
    apt-cache -o "Dir::Etc::SourceList=$state/etc/sources.list" -o "Dir::Etc::SourceParts=$state/etc/sources.list.d" \
      -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache" "$@"
  }

  say "updating the private package lists (the machine's suite, and trixie from $uri)"
  apt_in "$own" -qq update
  apt_in "$trixie" -qq update

  # Dependencies from the machine's own suite: the direct ones DESIGN.md names plus their
  # python3-* closure, minus what is already installed.
  local -a direct=(python3-flask python3-flask-cors python3-boto3 python3-botocore python3-responses
    python3-xmltodict python3-jinja2 python3-cryptography python3-dateutil python3-werkzeug
    python3-requests python3-yaml)
  local -a closure
  mapfile -t closure < <(cache_in "$own" depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances --no-pre-depends "${direct[@]}" 2>/dev/null \
    | grep -E '^python3-[a-z0-9.+-]+$' | sort -u)
  local -a wanted=()
  for p in "${closure[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      wanted+=("$p")
    fi
  done

  cd "$root/debs"
  rm -f ./*.deb
  say "downloading ${#wanted[@]} packages from the machine's suite"
  apt_in "$own" -qq download "${wanted[@]}"
  say "downloading python3-moto and python3-antlr4 from trixie"
  apt_in "$trixie" -qq download python3-moto python3-antlr4

  rm -rf "$MOTO_HOME/root"
  mkdir -p "$MOTO_HOME/root"
  for deb in ./*.deb; do dpkg -x "$deb" "$MOTO_HOME/root"; done
  rm -f ./*.deb
  printf 'debian %s\n' "$(ls "$MOTO_HOME/root/usr/share/doc" | grep -c .) packages" >"$stamp"
}

install_pip() {
  say "installing moto[server] with pip into $MOTO_HOME/venv"
  python3 -m venv "$MOTO_HOME/venv"
  "$MOTO_HOME/venv/bin/pip" install -q "moto[server]"
  printf 'pip\n' >"$stamp"
}

if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 && [[ -x /usr/bin/python3 ]]; then
  install_debian
else
  install_pip
fi

if ! "$repo/scripts/moto-python" -c "import moto.server" >/dev/null 2>&1; then
  "$repo/scripts/moto-python" -c "import moto.server" || true
  say "moto was installed but does not import; see the error above"
  exit 1
fi
say "moto installed in $MOTO_HOME"
