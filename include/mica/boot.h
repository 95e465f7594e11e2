/* mica VMM <-> guest kernel contract: boot info, ports, memory layout.
 *
 * Plain C11 + stdint only: this header is compiled into the host VMM and
 * into the freestanding guest kernel. Bump MICA_BOOT_VERSION on any change
 * of layout or meaning; the guest refuses a boot info it does not know.
 *
 * How a boot works with mica's own VMM: the VMM loads the kernel ELF at its
 * physical addresses, writes a struct mica_boot_info at MICA_BOOT_INFO_GPA,
 * builds boot page tables (identity map of low memory plus the kernel's
 * -2 GiB window, U=1 on PVM), and enters e_entry in 64-bit mode with
 * RSI = MICA_BOOT_INFO_GPA and RDI = MICA_BOOT_MAGIC (low 32 bits).
 * Under QEMU (PVH) the guest builds the same struct itself from Xen's
 * hvm_start_info, so everything after early boot sees one format.
 *
 * The program to run travels on the kernel command line (see
 * include/mica/cmdline.h); the initramfs is a cpio (newc) archive.
 */
#ifndef MICA_BOOT_H
#define MICA_BOOT_H

#include <stdint.h>

#define MICA_BOOT_MAGIC 0x4d494341u /* "MICA" */
#define MICA_BOOT_VERSION 2u

/* Where the VMM puts things in guest-physical memory. The first MiB is
 * reserved for these; the kernel image starts at 1 MiB. */
#define MICA_BOOT_INFO_GPA 0x7000u  /* one page: struct mica_boot_info */
#define MICA_BOOT_CMDLINE_GPA 0x20000u /* up to MICA_CMDLINE_MAX bytes */
#define MICA_CMDLINE_MAX 0x40000u      /* 256 KiB: argv and environment */
#define MICA_BOOT_PT_GPA 0x10000u   /* boot page tables (VMM engine) */
#define MICA_CONSOLE_GPA 0x60000u   /* console rings (VMM engine), 128 KiB */
#define MICA_KERNEL_GPA 0x100000u   /* kernel load address */

/* Platforms the guest can run on. */
enum mica_platform {
    MICA_PLATFORM_RING0 = 0, /* hardware KVM, QEMU TCG, Firecracker */
    MICA_PLATFORM_PVM = 1,   /* kvm_pvm: guest kernel in hardware ring 3 */
};

/* How the guest reaches the console (see include/mica/console.h). */
enum mica_console_kind {
    MICA_CONSOLE_UART = 0, /* framed records over the COM1 16550 */
    MICA_CONSOLE_RING = 1, /* framed records over shared rings + doorbell */
    MICA_CONSOLE_RING_UART = 2, /* shared rings, doorbells over COM1 (QEMU) */
};

#define MICA_MEM_RAM 1u
#define MICA_MEM_RESERVED 2u
#define MICA_MAX_MEM_RANGES 16u

struct mica_mem_range {
    uint64_t base;
    uint64_t size;
    uint32_t type; /* MICA_MEM_* */
    uint32_t pad;
};

/* virtio-mmio devices. Each is a register window (virtio-mmio v2 layout)
 * and the IOAPIC input (GSI) its interrupt line drives, level-triggered
 * and active high. Windows must lie in the 32-bit MMIO hole
 * (MICA_MMIO_HOLE_GPA..4 GiB), which the guest maps uncached. The VMM
 * lists them here; under QEMU the guest fills the table from Linux's
 * "virtio_mmio.device=SIZE@BASE:GSI" command-line words (microvm with
 * acpi=off appends one per device), and mica's VMM may use either. */
#define MICA_MAX_VIRTIO_MMIO 8u
#define MICA_MMIO_HOLE_GPA 0xc0000000u

struct mica_virtio_mmio {
    uint64_t base;
    uint32_t size;
    uint32_t gsi;
};

struct mica_boot_info {
    uint32_t magic;   /* MICA_BOOT_MAGIC */
    uint32_t version; /* MICA_BOOT_VERSION */
    uint32_t size;    /* sizeof(struct mica_boot_info) as the VMM saw it */
    uint32_t platform;     /* enum mica_platform */
    uint32_t console;      /* enum mica_console_kind */
    uint32_t nr_cpus;
    uint64_t tsc_khz;      /* 0: the guest calibrates */
    uint64_t cmdline_gpa;
    uint64_t cmdline_size; /* bytes, without a terminating NUL */
    uint64_t initrd_gpa;
    uint64_t initrd_size;
    uint64_t console_gpa; /* MICA_CONSOLE_RING: struct mica_console_rings */
    uint32_t nr_mem_ranges;
    uint32_t pad;
    struct mica_mem_range mem[MICA_MAX_MEM_RANGES];
    uint32_t nr_virtio_mmio; /* version 2 on */
    uint32_t pad2;
    struct mica_virtio_mmio virtio_mmio[MICA_MAX_VIRTIO_MMIO];
};

/* I/O ports. The debug-exit port matches QEMU's isa-debug-exit default
 * (iobase 0x501, 32-bit write of v makes QEMU exit with (v << 1) | 1); the
 * guest writes its final status record on the console before it. */
#define MICA_PORT_DEBUG_EXIT 0x501u
#define MICA_PORT_CONSOLE_KICK 0x510u  /* out-ring doorbell (ioeventfd) */
#define MICA_PORT_CONSOLE_PULL 0x511u  /* "fill my in-ring" (synchronous) */
#define MICA_PORT_COM1 0x3f8u

/* PVM detection, for the VMM (docs/pvm.md section 2). */
#define MICA_PVM_MSR_SIGNATURE 0x4b564d11u
#define MICA_PVM_SIGNATURE 0x4d5650u
#define MICA_PVM_MSR_CONTROL 0x4b564d10u
#define MICA_PVM_MSR_TSC_KHZ 0x4b564d13u

#endif
