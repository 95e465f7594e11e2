#!/bin/sh
# The ABI programs once more under the QEMU engine (ring 0, TCG), when the
# main run used /dev/kvm: the same kernel on the other platform. Without a
# usable /dev/kvm, abi.sh has already run under QEMU: skip.
if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
    echo "SKIP: no /dev/kvm here, so abi.sh already ran under the QEMU engine"
    exit 77
fi
MICA_TEST_ENGINE=qemu exec sh "${srcdir:-.}/tests/system/abi.sh"
