#!/usr/bin/env bash
# Builds the Python wheel for Linux aarch64 on an x86-64 machine, and the `tarif`
# binary for aarch64, then installs the wheel with pip in a Debian arm64 system run by
# qemu-user and runs the package's tests there (README, « Depuis Python »).
#
#   scripts/roue-aarch64.sh [dossier du système arm64]     (root; défaut /tmp/arm64)
#
# Installs from Debian's packages: gcc-aarch64-linux-gnu (the linker), qemu-user-static
# and binfmt-support (to run aarch64 programs), debootstrap; the Rust target
# aarch64-unknown-linux-gnu comes from rustup. The arm64 system is made once by
# debootstrap (a few minutes under emulation) and kept for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-/tmp/arm64}
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static binfmt-support)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
rustup target add aarch64-unknown-linux-gnu >/dev/null

# The wheel and the binary, cross-compiled.
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
python_env=target/python-env
[ -x $python_env/bin/maturin ] || { python3 -m venv $python_env && $python_env/bin/pip install -q maturin pytest; }
(cd bindings/python && ../../$python_env/bin/maturin build --release -q --target aarch64-unknown-linux-gnu)
cargo build -q --target aarch64-unknown-linux-gnu
wheel=$(ls target/wheels/tarif-0.1.0-*aarch64.whl)
echo "roue : $wheel"

# A Debian arm64 with Python, once.
if [ ! -x "$root/usr/bin/python3" ]; then
  debootstrap --arch=arm64 --include=python3,python3-venv,python3-pip bookworm "$root" \
    http://deb.debian.org/debian >/dev/null
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
work="$root/tmp/tarif"
rm -rf "$work" && mkdir -p "$work/bindings"
cp "$wheel" "$work/"
cp -r deliberations "$work/"
cp -r bindings/python "$work/bindings/"
mkdir -p "$work/target/debug" && cp target/aarch64-unknown-linux-gnu/debug/tarif "$work/target/debug/"
# pytest, pure Python, fetched here (with this machine's certificates and proxy).
$python_env/bin/pip download -q --only-binary=:all: --python-version 3.11 \
  --platform manylinux2014_aarch64 -d "$work/roues" pytest

chroot "$root" /bin/bash -euo pipefail -c '
  cd /tmp/tarif
  echo "machine : $(uname -m), $(python3 --version)"
  rm -rf env && python3 -m venv env && . env/bin/activate
  pip install -q --no-index ./tarif-0.1.0-*aarch64.whl
  pip install -q --no-index --find-links roues pytest
  TARIF=target/debug/tarif python -m pytest -q bindings/python/tests
'
