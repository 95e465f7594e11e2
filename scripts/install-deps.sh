#!/bin/sh
# Install everything mica needs to build and test, from Debian 12 packages.
set -eu
pkgs="gcc make autoconf automake pkg-config linux-libc-dev libelf-dev
      libseccomp-dev check musl-tools busybox-static qemu-system-x86 cpio
      clang libclang-rt-14-dev"
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root (or with sudo)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs
