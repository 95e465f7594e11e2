/* /proc's own files: the system as a whole (meminfo, cpuinfo, stat ...).
 *
 * Numbers come from the core (memory, clocks, CPU count) and the
 * process table; what mica does not have (swap, page cache, interrupts)
 * reads as zero, in Linux's layout, so free, top and uptime parse it.
 * cpuinfo asks the CPU through the core (core_cpu_id: on PVM the plain
 * instruction would describe the outer host).
 */
#include "procfs_int.h"

#include <core/time.h>

#define KERNEL_RELEASE "6.1.0-mica" /* as uname(2) */

typedef unsigned long long ull;

static int show_meminfo(struct process *p, const struct pnode *n, struct sbuf *s)
{
    static const char *const zero[] = {
        "Buffers:", "Cached:", "SwapCached:", "Active:", "Inactive:", "Active(anon):",
        "Inactive(anon):", "Active(file):", "Inactive(file):", "Unevictable:", "Mlocked:",
        "SwapTotal:", "SwapFree:", "Dirty:", "Writeback:", "AnonPages:", "Mapped:", "Shmem:",
        "KReclaimable:", "Slab:", "SReclaimable:", "SUnreclaim:", "KernelStack:",
        "PageTables:", "NFS_Unstable:", "Bounce:", "WritebackTmp:",
    };
    ull total = core_mem_total_bytes() / 1024, free = core_mem_free_bytes() / 1024;
    sbuf_printf(s, "%-16s%8llu kB\n%-16s%8llu kB\n%-16s%8llu kB\n", "MemTotal:", total,
                "MemFree:", free, "MemAvailable:", free);
    for (size_t i = 0; i < CORE_ARRAY_SIZE(zero); i++)
        sbuf_printf(s, "%-16s%8d kB\n", zero[i], 0);
    sbuf_printf(s, "%-16s%8llu kB\n%-16s%8llu kB\n", "CommitLimit:", total, "Committed_AS:",
                total - free);
    return 0;
}

static int show_uptime(struct process *p, const struct pnode *n, struct sbuf *s)
{
    ull up = core_time_monotonic_ns() / 10000000ull; /* centiseconds */
    ull busy = 0;
    for (struct process *q = proc_first(); q; q = proc_next(q)) {
        uint64_t u, sy;
        procfs_task_times(q, &u, &sy);
        busy += (u + sy) / 10000000ull;
    }
    ull idle = up * core_cpu_count();
    idle = idle > busy ? idle - busy : 0;
    sbuf_printf(s, "%llu.%02llu %llu.%02llu\n", up / 100, up % 100, idle / 100, idle % 100);
    return 0;
}

static int show_loadavg(struct process *p, const struct pnode *n, struct sbuf *s)
{
    int total = 0, running = 0, last = 0;
    for (struct process *q = proc_first(); q; q = proc_next(q)) {
        if (q->state == PROC_ZOMBIE)
            continue;
        total++;
        running += q == abi_proc;
        last = q->pid > last ? q->pid : last;
    }
    sbuf_printf(s, "0.00 0.00 0.00 %d/%d %d\n", running, total, last);
    return 0;
}

static int show_stat(struct process *p, const struct pnode *n, struct sbuf *s)
{
    ull user = 0, sys = 0, up = procfs_ticks(core_time_monotonic_ns());
    int procs = 0, running = 0, last = 0;
    unsigned ncpu = core_cpu_count();
    for (struct process *q = proc_first(); q; q = proc_next(q)) {
        uint64_t u, sy;
        procfs_task_times(q, &u, &sy);
        user += procfs_ticks(u + q->cutime_ns);
        sys += procfs_ticks(sy + q->cstime_ns);
        procs++;
        running += q->state != PROC_ZOMBIE && q == abi_proc;
        last = q->pid > last ? q->pid : last;
    }
    ull all = up * ncpu, idle = all > user + sys ? all - user - sys : 0;
    sbuf_printf(s, "cpu  %llu 0 %llu %llu 0 0 0 0 0 0\n", user, sys, idle);
    for (unsigned c = 0; c < ncpu; c++) { /* the busy time on cpu0 */
        ull cu = c ? 0 : user, cs = c ? 0 : sys;
        ull ci = up > cu + cs ? up - cu - cs : 0;
        sbuf_printf(s, "cpu%u %llu 0 %llu %llu 0 0 0 0 0 0\n", c, cu, cs, ci);
    }
    ull boot = (core_time_realtime_ns() - core_time_monotonic_ns()) / 1000000000ull;
    sbuf_printf(s, "intr 0\nctxt 0\nbtime %llu\nprocesses %d\nprocs_running %d\n"
                   "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
                boot, last > procs ? last : procs, running);
    return 0;
}

static int show_version(struct process *p, const struct pnode *n, struct sbuf *s)
{
    sbuf_printf(s, "Linux version " KERNEL_RELEASE " (mica) (gcc) #1 SMP mica\n");
    return 0;
}

static int show_filesystems(struct process *p, const struct pnode *n, struct sbuf *s)
{
    mount_show_filesystems(s);
    return 0;
}

static int show_cmdline(struct process *p, const struct pnode *n, struct sbuf *s)
{
    sbuf_printf(s, "mica\n");
    return 0;
}

/* ---- cpuinfo ---- */

struct cpuflag {
    uint8_t leaf; /* 0: 1.edx, 1: 1.ecx, 2: 7.ebx, 3: 0x80000001.edx, 4: .ecx */
    uint8_t bit;
    const char *name;
};

static const struct cpuflag cpuflags[] = {
    {0, 0, "fpu"}, {0, 1, "vme"}, {0, 2, "de"}, {0, 3, "pse"}, {0, 4, "tsc"},
    {0, 5, "msr"}, {0, 6, "pae"}, {0, 7, "mce"}, {0, 8, "cx8"}, {0, 9, "apic"},
    {0, 11, "sep"}, {0, 12, "mtrr"}, {0, 13, "pge"}, {0, 14, "mca"}, {0, 15, "cmov"},
    {0, 16, "pat"}, {0, 17, "pse36"}, {0, 19, "clflush"}, {0, 23, "mmx"},
    {0, 24, "fxsr"}, {0, 25, "sse"}, {0, 26, "sse2"}, {0, 27, "ss"}, {0, 28, "ht"},
    {3, 11, "syscall"}, {3, 20, "nx"}, {3, 26, "pdpe1gb"}, {3, 27, "rdtscp"},
    {3, 29, "lm"}, {1, 0, "pni"}, {1, 1, "pclmulqdq"}, {1, 9, "ssse3"}, {1, 12, "fma"},
    {1, 13, "cx16"}, {1, 19, "sse4_1"}, {1, 20, "sse4_2"}, {1, 21, "x2apic"},
    {1, 22, "movbe"}, {1, 23, "popcnt"}, {1, 25, "aes"}, {1, 26, "xsave"},
    {1, 28, "avx"}, {1, 29, "f16c"}, {1, 30, "rdrand"}, {1, 31, "hypervisor"},
    {4, 0, "lahf_lm"}, {4, 5, "abm"}, {4, 8, "3dnowprefetch"}, {2, 0, "fsgsbase"},
    {2, 3, "bmi1"}, {2, 5, "avx2"}, {2, 7, "smep"}, {2, 8, "bmi2"}, {2, 9, "erms"},
    {2, 10, "invpcid"}, {2, 16, "avx512f"}, {2, 18, "rdseed"}, {2, 19, "adx"},
    {2, 20, "smap"}, {2, 23, "clflushopt"}, {2, 29, "sha_ni"},
};

static void cpuid_regs(unsigned leaf, unsigned sub, unsigned r[4])
{
    uint32_t max[4];
    core_cpu_id(leaf & 0x80000000u, 0, max);
    if (max[0] >= leaf)
        core_cpu_id(leaf, sub, r);
    else
        r[0] = r[1] = r[2] = r[3] = 0;
}

static int show_cpuinfo(struct process *p, const struct pnode *n, struct sbuf *s)
{
    unsigned l0[4], l1[4], l7[4], e1[4], brand[12];
    char vendor[13], model[49];
    cpuid_regs(0, 0, l0);
    memcpy(vendor, &l0[1], 4);
    memcpy(vendor + 4, &l0[3], 4);
    memcpy(vendor + 8, &l0[2], 4);
    vendor[12] = 0;
    cpuid_regs(1, 0, l1);
    cpuid_regs(7, 0, l7);
    cpuid_regs(0x80000001u, 0, e1);
    for (unsigned i = 0; i < 3; i++)
        cpuid_regs(0x80000002u + i, 0, brand + 4 * i);
    memcpy(model, brand, 48);
    model[48] = 0;
    const char *m = model;
    while (*m == ' ')
        m++;
    unsigned fam = (l1[0] >> 8) & 15, mod = (l1[0] >> 4) & 15;
    if (fam == 15)
        fam += (l1[0] >> 20) & 0xff;
    if (fam >= 6)
        mod |= ((l1[0] >> 16) & 15) << 4;
    const unsigned *regs[5] = {&l1[3], &l1[2], &l7[1], &e1[3], &e1[2]};
    unsigned ncpu = core_cpu_count();
    for (unsigned c = 0; c < ncpu; c++) {
        sbuf_printf(s, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
                       "model name\t: %s\nstepping\t: %u\n", c, vendor, fam, mod,
                    *m ? m : "unknown", l1[0] & 15);
        sbuf_printf(s, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n"
                       "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n"
                       "flags\t\t:", ncpu, c, ncpu, l0[0]);
        for (size_t i = 0; i < CORE_ARRAY_SIZE(cpuflags); i++)
            if ((*regs[cpuflags[i].leaf] >> cpuflags[i].bit) & 1)
                sbuf_printf(s, " %s", cpuflags[i].name);
        sbuf_printf(s, "\nclflush size\t: 64\ncache_alignment\t: 64\n"
                       "address sizes\t: 46 bits physical, 48 bits virtual\n\n");
    }
    return 0;
}

/* ---- /proc/sys/kernel ---- */

static int show_pid_max(struct process *p, const struct pnode *n, struct sbuf *s)
{
    sbuf_printf(s, "%d\n", ABI_PID_MAX);
    return 0;
}

static int show_ostype(struct process *p, const struct pnode *n, struct sbuf *s)
{
    sbuf_printf(s, "Linux\n");
    return 0;
}

static int show_osrelease(struct process *p, const struct pnode *n, struct sbuf *s)
{
    sbuf_printf(s, KERNEL_RELEASE "\n");
    return 0;
}

static int show_hostname(struct process *p, const struct pnode *n, struct sbuf *s)
{
    sbuf_printf(s, "mica\n");
    return 0;
}

/* ---- links ---- */

static int link_self(struct process *p, const struct pnode *n, struct link_target *t)
{
    t->buf = core_malloc(16);
    if (!t->buf)
        return -ENOMEM;
    snprintf(t->buf, 16, "%d", abi_proc->pid);
    t->path = t->buf;
    return 0;
}

static long text_self(struct process *p, const struct pnode *n, char *buf, size_t size)
{
    char tmp[16];
    int len = snprintf(tmp, sizeof(tmp), "%d", abi_proc->pid);
    size_t c = (size_t)len < size ? (size_t)len : size;
    memcpy(buf, tmp, c);
    return (long)c;
}

static int link_mounts(struct process *p, const struct pnode *n, struct link_target *t)
{
    t->path = "self/mounts";
    return 0;
}

static long text_mounts(struct process *p, const struct pnode *n, char *buf, size_t size)
{
    size_t c = size < 11 ? size : 11;
    memcpy(buf, "self/mounts", c);
    return (long)c;
}

#define PFILE(n, i, fn) {.name = n, .mode = S_IFREG | 0444, .id = i, .show = fn}

static const struct pentry kernel_entries[] = {
    PFILE("hostname", 35, show_hostname),
    PFILE("osrelease", 34, show_osrelease),
    PFILE("ostype", 33, show_ostype),
    PFILE("pid_max", 32, show_pid_max),
    {0},
};

static const struct pentry sys_entries[] = {
    {.name = "kernel", .mode = S_IFDIR | 0555, .id = 31, .children = kernel_entries},
    {0},
};

const struct pentry procfs_root_entries[] = {
    {.name = "sys", .mode = S_IFDIR | 0555, .id = 30, .children = sys_entries},
    PFILE("cmdline", 36, show_cmdline),
    PFILE("cpuinfo", 23, show_cpuinfo),
    PFILE("filesystems", 29, show_filesystems),
    PFILE("loadavg", 25, show_loadavg),
    PFILE("meminfo", 22, show_meminfo),
    {.name = "mounts", .mode = S_IFLNK | 0777, .id = 28, .link = link_mounts,
     .text = text_mounts},
    {.name = "self", .mode = S_IFLNK | 0777, .id = 20, .link = link_self, .text = text_self},
    PFILE("stat", 26, show_stat),
    PFILE("uptime", 24, show_uptime),
    PFILE("version", 27, show_version),
    {0},
};
