/* System facts and limits: uname, sysinfo, getrandom, rlimits, CPUs.
 *
 * Resource limits are a per-process table with Linux's defaults; they
 * are enforced where mica has the resource (RLIMIT_NOFILE for the fd
 * table, RLIMIT_DATA for brk) and otherwise only stored and reported.
 */
#include "abi_int.h"
#include "sys.h"

#include <core/random.h>
#include <core/time.h>
#include <linux/utsname.h>
#include <linux/sysinfo.h>
#include <linux/random.h>

#define NR_OPEN_MAX (1024 * 1024) /* fs.nr_open */

long sys_uname(uaddr_t u_buf)
{
    struct new_utsname u;
    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, "Linux", sizeof(u.sysname));
    strlcpy(u.nodename, "mica", sizeof(u.nodename));
    strlcpy(u.release, "6.1.0-mica", sizeof(u.release));
    strlcpy(u.version, "#1 SMP mica", sizeof(u.version));
    strlcpy(u.machine, "x86_64", sizeof(u.machine));
    strlcpy(u.domainname, "(none)", sizeof(u.domainname));
    return core_copy_to_user(u_buf, &u, sizeof(u)) ? -EFAULT : 0;
}

long sys_sysinfo(uaddr_t u_info)
{
    struct sysinfo si;
    memset(&si, 0, sizeof(si));
    si.uptime = (long)(core_time_monotonic_ns() / 1000000000ull);
    si.totalram = core_mem_total_bytes();
    si.freeram = core_mem_free_bytes();
    si.procs = 1;
    si.mem_unit = 1;
    return core_copy_to_user(u_info, &si, sizeof(si)) ? -EFAULT : 0;
}

long sys_getrandom(uaddr_t u_buf, size_t len, unsigned flags)
{
    char chunk[256];
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
        return -EINVAL;
    if (len > 33554431) /* Linux's cap for one call */
        len = 33554431;
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        core_random_bytes(chunk, n);
        if (core_copy_to_user(uaddr_add(u_buf, done), chunk, n))
            return done ? (long)done : -EFAULT;
        done += n;
    }
    memset(chunk, 0, sizeof(chunk));
    return (long)done;
}

void proc_init_limits(struct process *p)
{
    for (int i = 0; i < RLIM_NLIMITS; i++)
        p->rlim[i].rlim_cur = p->rlim[i].rlim_max = RLIM64_INFINITY;
    p->rlim[RLIMIT_STACK].rlim_cur = 8ull << 20;
    p->rlim[RLIMIT_CORE].rlim_cur = 0;
    p->rlim[RLIMIT_NPROC].rlim_cur = p->rlim[RLIMIT_NPROC].rlim_max = 63432;
    p->rlim[RLIMIT_NOFILE].rlim_cur = ABI_NR_OPEN;
    p->rlim[RLIMIT_NOFILE].rlim_max = ABI_NR_OPEN_HARD;
    p->rlim[RLIMIT_MEMLOCK].rlim_cur = p->rlim[RLIMIT_MEMLOCK].rlim_max = 8ull << 20;
    p->rlim[RLIMIT_SIGPENDING].rlim_cur = p->rlim[RLIMIT_SIGPENDING].rlim_max = 63432;
    p->rlim[RLIMIT_MSGQUEUE].rlim_cur = p->rlim[RLIMIT_MSGQUEUE].rlim_max = 819200;
    p->rlim[RLIMIT_NICE].rlim_cur = p->rlim[RLIMIT_NICE].rlim_max = 0;
    p->rlim[RLIMIT_RTPRIO].rlim_cur = p->rlim[RLIMIT_RTPRIO].rlim_max = 0;
}

long sys_prlimit64(int pid, unsigned res, uaddr_t u_new, uaddr_t u_old)
{
    struct rlimit64 nl, ol;
    if (pid != 0 && pid != 1)
        return -ESRCH;
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (u_new.addr) {
        if (core_copy_from_user(&nl, u_new, sizeof(nl)))
            return -EFAULT;
        if (nl.rlim_cur > nl.rlim_max)
            return -EINVAL;
        if (res == RLIMIT_NOFILE && nl.rlim_max > NR_OPEN_MAX)
            return -EPERM;
        if (abi_proc->euid != 0 && nl.rlim_max > abi_proc->rlim[res].rlim_max)
            return -EPERM; /* only root (CAP_SYS_RESOURCE) raises a hard limit */
    }
    ol = abi_proc->rlim[res];
    if (u_old.addr && core_copy_to_user(u_old, &ol, sizeof(ol)))
        return -EFAULT;
    if (u_new.addr)
        abi_proc->rlim[res] = nl;
    return 0;
}

long sys_getrlimit(unsigned res, uaddr_t u_rlim)
{
    if (!u_rlim.addr)
        return -EFAULT;
    return sys_prlimit64(0, res, uaddr(0), u_rlim);
}

long sys_setrlimit(unsigned res, uaddr_t u_rlim)
{
    if (!u_rlim.addr)
        return -EFAULT;
    return sys_prlimit64(0, res, u_rlim, uaddr(0));
}

/* Every task may run on every CPU (no pinning yet): the mask is all of
 * them, and setaffinity accepts any mask that names one of them. */
static uint64_t cpus_online_mask(void)
{
    unsigned n = core_cpu_count();
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static bool affinity_target_ok(int pid)
{
    return pid == 0 || thread_find(pid) != NULL;
}

long sys_sched_getaffinity(int pid, unsigned len, uaddr_t u_mask)
{
    uint64_t mask = cpus_online_mask();
    if (pid < 0 || !affinity_target_ok(pid))
        return -ESRCH;
    if (len < sizeof(mask) || (len & (sizeof(mask) - 1)))
        return -EINVAL;
    return core_copy_to_user(u_mask, &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}

long sys_sched_setaffinity(int pid, unsigned len, uaddr_t u_mask)
{
    uint64_t mask = 0;
    if (pid < 0 || !affinity_target_ok(pid))
        return -ESRCH;
    if (core_copy_from_user(&mask, u_mask, len < sizeof(mask) ? len : sizeof(mask)))
        return -EFAULT;
    return mask & cpus_online_mask() ? 0 : -EINVAL;
}

long sys_sched_yield(void)
{
    core_yield();
    return 0;
}

long sys_getcpu(uaddr_t u_cpu, uaddr_t u_node, uaddr_t u_cache)
{
    unsigned cpu = core_cpu_current(), zero = 0;
    if (u_cpu.addr && core_copy_to_user(u_cpu, &cpu, sizeof(cpu)))
        return -EFAULT;
    if (u_node.addr && core_copy_to_user(u_node, &zero, sizeof(zero)))
        return -EFAULT;
    return 0;
}

long sys_umask(uint32_t mask)
{
    uint32_t old = abi_proc->umask;
    abi_proc->umask = mask & 0777;
    return old;
}

/* Scheduling: one thread on one CPU, nice 0, SCHED_OTHER. */
long sys_getpriority(int which, int who)
{
    if (which < 0 || which > 2)
        return -EINVAL;
    return who == 0 || who == 1 ? 20 : -ESRCH; /* 20 - nice, as the syscall returns */
}

long sys_setpriority(int which, int who, int prio)
{
    if (which < 0 || which > 2)
        return -EINVAL;
    return who == 0 || who == 1 ? 0 : -ESRCH;
}

long sys_sched_getscheduler(int pid)
{
    if (pid < 0)
        return -EINVAL;
    return pid == 0 || pid == 1 ? 0 /* SCHED_OTHER */ : -ESRCH;
}

long sys_sched_getparam(int pid, uaddr_t u_param)
{
    int prio = 0;
    if (pid < 0)
        return -EINVAL;
    if (pid != 0 && pid != 1)
        return -ESRCH;
    return core_copy_to_user(u_param, &prio, sizeof(prio)) ? -EFAULT : 0;
}

long sys_sched_get_priority_max(int policy)
{
    return policy == 1 || policy == 2 ? 99 : policy == 0 || policy == 3 || policy == 5 ? 0 : -EINVAL;
}

long sys_sched_get_priority_min(int policy)
{
    return policy == 1 || policy == 2 ? 1 : policy == 0 || policy == 3 || policy == 5 ? 0 : -EINVAL;
}

long sys_personality(unsigned persona)
{
    return 0; /* PER_LINUX; a query (0xffffffff) or a change both report it */
}
