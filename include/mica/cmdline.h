/* mica kernel command line: how the program, argv and environment travel.
 *
 * Space-separated words. Values are percent-encoded: every byte outside
 * [A-Za-z0-9._/=:,+-] is written as %XX, so any argument (spaces, quotes,
 * newlines, UTF-8) survives QEMU's -append and our parser alike.
 *
 *   mica.path=ENC      absolute path of the program inside the guest
 *   mica.arg=ENC       one per argv element, in order (argv[0] first)
 *   mica.env=ENC       one per environment entry "NAME=VALUE", in order
 *   mica.verbose       the kernel logs to the console and reports
 *                      unimplemented syscalls
 *   mica.cpus=N        start N CPUs (absent: one); the rest are application
 *                      processors the guest starts itself (ring 0 only)
 *   mica.time=NS       host CLOCK_REALTIME in ns when the VM was created
 *   mica.seed=HEX      64 hex digits of host randomness (AT_RANDOM, getrandom)
 *   mica.cwd=ENC       initial working directory (default "/")
 *   mica.mount=ENC     one per host share, in mount order: "TAG,MODE,PATH"
 *                      (the whole value percent-encoded; PATH last, so it
 *                      may hold commas). Before the program runs, the
 *                      kernel creates directory PATH (and its parents) in
 *                      the root, mounts virtio-fs device TAG there and,
 *                      for MODE "ro", a private overlay over it, so writes
 *                      stay in guest memory; MODE "rw" mounts it
 *                      read-write, with no overlay. PATH is absolute. Mounts that
 *                      fail stop the boot with status 125.
 *   mica.panic_test    the kernel panics on purpose after boot (tests)
 *   mica.fault_test=K  the core provokes a CPU fault of kind K after boot
 *                      (tests): "triple" (a triple fault), "kernel_pf" (a
 *                      kernel page fault, which must panic with registers)
 *   mica.ring=HEX      QEMU engine: guest-physical address of the console
 *                      rings (struct mica_console_rings) in RAM that mica
 *                      shares; doorbells go over COM1 (boot.h:
 *                      MICA_CONSOLE_RING_UART). Without it the console
 *                      records travel over COM1 itself.
 *   mica.tty           `mica run -t`: fds 0, 1 and 2 of the program are a
 *                      terminal; the host's is in raw mode, so the guest
 *                      does all terminal processing (echo, line editing,
 *                      signal characters, ONLCR). The host may send
 *                      MICA_CON_WINSIZE records (console.h).
 *   mica.winsize=RxC   with mica.tty: the window size at boot, rows x
 *                      columns in decimal, e.g. "mica.winsize=24x80"; absent
 *                      when the host terminal does not know its size
 *
 * Unknown words are ignored, so older kernels boot newer command lines.
 */
#ifndef MICA_CMDLINE_H
#define MICA_CMDLINE_H

#define MICA_CMDLINE_PATH "mica.path="
#define MICA_CMDLINE_ARG "mica.arg="
#define MICA_CMDLINE_ENV "mica.env="
#define MICA_CMDLINE_VERBOSE "mica.verbose"
#define MICA_CMDLINE_CPUS "mica.cpus="
#define MICA_CMDLINE_TIME "mica.time="
#define MICA_CMDLINE_SEED "mica.seed="
#define MICA_CMDLINE_CWD "mica.cwd="
#define MICA_CMDLINE_MOUNT "mica.mount="
#define MICA_CMDLINE_MOUNT_RO "ro"
#define MICA_CMDLINE_MOUNT_RW "rw"
#define MICA_CMDLINE_PANIC_TEST "mica.panic_test"
#define MICA_CMDLINE_RING "mica.ring="
#define MICA_CMDLINE_FAULT_TEST "mica.fault_test="
#define MICA_CMDLINE_TTY "mica.tty"
#define MICA_CMDLINE_WINSIZE "mica.winsize="

#endif
