/* Process identity: PIDs, process groups and sessions, credentials,
 * thread-control calls.
 *
 * The first process is pid 1, its own process group and session, with
 * parent 0, running as root. Credentials are stored so the set*id
 * calls behave (root may set any id).
 */
#include "abi_int.h"
#include "sys.h"

#include <core/sched.h>
#include <core/time.h>
#include <linux/futex.h>
#include <linux/prctl.h>
#include <linux/time_types.h>
#include <asm/prctl.h>

long sys_getpid(void) { return abi_proc->pid; }
long sys_gettid(void) { return abi_thread->tid; }
long sys_getppid(void) { return abi_proc->parent ? abi_proc->parent->pid : 0; }
long sys_getuid(void) { return abi_proc->ruid; }
long sys_geteuid(void) { return abi_proc->euid; }
long sys_getgid(void) { return abi_proc->rgid; }
long sys_getegid(void) { return abi_proc->egid; }
long sys_getpgrp(void) { return abi_proc->pgid; }

static struct process *proc_or_self(int pid)
{
    if (pid == 0)
        return abi_proc;
    struct process *p = pid > 0 ? proc_find(pid) : NULL;
    return p;
}

long sys_getpgid(int pid)
{
    struct process *p = proc_or_self(pid);
    return p ? p->pgid : -ESRCH;
}

long sys_getsid(int pid)
{
    struct process *p = proc_or_self(pid);
    return p ? p->sid : -ESRCH;
}

long sys_setsid(void)
{
    struct process *p = abi_proc;
    for (struct process *q = proc_first(); q; q = proc_next(q))
        if (q->pgid == p->pid)
            return -EPERM; /* already a group leader */
    p->sid = p->pgid = p->pid;
    return p->sid;
}

/* setpgid: the caller or one of its children (not yet exec'd: not
 * tracked, allowed), into a group of the same session. */
long sys_setpgid(int pid, int pgid)
{
    struct process *p = proc_or_self(pid);
    if (pgid < 0)
        return -EINVAL;
    if (!p || (p != abi_proc && p->parent != abi_proc))
        return -ESRCH;
    if (p->sid != abi_proc->sid)
        return -EPERM;
    if (p->pid == p->sid)
        return -EPERM; /* a session leader */
    if (pgid == 0)
        pgid = p->pid;
    if (pgid != p->pid) {
        bool found = false;
        for (struct process *q = proc_first(); q; q = proc_next(q))
            if (q->pgid == pgid && q->sid == p->sid && q->state != PROC_ZOMBIE)
                found = true;
        if (!found)
            return -EPERM;
    }
    p->pgid = pgid;
    return 0;
}

long sys_getgroups(int size, uaddr_t u_list)
{
    return size < 0 ? -EINVAL : 0; /* no supplementary groups */
}

long sys_setgroups(int size, uaddr_t u_list)
{
    return size < 0 || size > 65536 ? -EINVAL : 0;
}

static long put3(uaddr_t a, uaddr_t b, uaddr_t c, uint32_t x, uint32_t y, uint32_t z)
{
    if (core_copy_to_user(a, &x, 4) || core_copy_to_user(b, &y, 4) ||
        core_copy_to_user(c, &z, 4))
        return -EFAULT;
    return 0;
}

long sys_getresuid(uaddr_t r, uaddr_t e, uaddr_t s)
{
    return put3(r, e, s, abi_proc->ruid, abi_proc->euid, abi_proc->suid);
}

long sys_getresgid(uaddr_t r, uaddr_t e, uaddr_t s)
{
    return put3(r, e, s, abi_proc->rgid, abi_proc->egid, abi_proc->sgid);
}

/* Root sets any id; -1 leaves one alone. (Privilege drop is kept.) */
static void set_ids(uint32_t *r, uint32_t *e, uint32_t *s, uint32_t *fs,
                    uint32_t nr, uint32_t ne, uint32_t ns)
{
    if (nr != (uint32_t)-1)
        *r = nr;
    if (ne != (uint32_t)-1)
        *e = ne;
    if (ns != (uint32_t)-1)
        *s = ns;
    *fs = *e;
}

static bool privileged(void)
{
    return abi_proc->euid == 0;
}

long sys_setresuid(uint32_t r, uint32_t e, uint32_t s)
{
    struct process *p = abi_proc;
    if (!privileged()) {
        uint32_t v[3] = {r, e, s};
        for (int i = 0; i < 3; i++)
            if (v[i] != (uint32_t)-1 && v[i] != p->ruid && v[i] != p->euid && v[i] != p->suid)
                return -EPERM;
    }
    set_ids(&p->ruid, &p->euid, &p->suid, &p->fsuid, r, e, s);
    return 0;
}

long sys_setresgid(uint32_t r, uint32_t e, uint32_t s)
{
    struct process *p = abi_proc;
    if (!privileged()) {
        uint32_t v[3] = {r, e, s};
        for (int i = 0; i < 3; i++)
            if (v[i] != (uint32_t)-1 && v[i] != p->rgid && v[i] != p->egid && v[i] != p->sgid)
                return -EPERM;
    }
    set_ids(&p->rgid, &p->egid, &p->sgid, &p->fsgid, r, e, s);
    return 0;
}

long sys_setuid(uint32_t uid)
{
    if (privileged())
        return sys_setresuid(uid, uid, uid);
    return sys_setresuid((uint32_t)-1, uid, (uint32_t)-1);
}

long sys_setgid(uint32_t gid)
{
    if (privileged())
        return sys_setresgid(gid, gid, gid);
    return sys_setresgid((uint32_t)-1, gid, (uint32_t)-1);
}

long sys_setreuid(uint32_t r, uint32_t e)
{
    return sys_setresuid(r, e, (uint32_t)-1);
}

long sys_setregid(uint32_t r, uint32_t e)
{
    return sys_setresgid(r, e, (uint32_t)-1);
}

long sys_setfsuid(uint32_t id)
{
    uint32_t old = abi_proc->fsuid;
    if (privileged() && id != (uint32_t)-1)
        abi_proc->fsuid = id;
    return old;
}

long sys_setfsgid(uint32_t id)
{
    uint32_t old = abi_proc->fsgid;
    if (privileged() && id != (uint32_t)-1)
        abi_proc->fsgid = id;
    return old;
}

long sys_set_tid_address(uaddr_t u_tidptr)
{
    abi_thread->clear_child_tid = u_tidptr.addr;
    return abi_thread->tid;
}

/* The FS and GS bases: any user address (below TASK_SIZE_MAX, which is
 * CORE_USER_END) is fine, anything else is EPERM, as on Linux. */
long sys_arch_prctl(int code, uint64_t addr)
{
    uint64_t base;
    switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        if (addr >= CORE_USER_END)
            return -EPERM;
        if (code == ARCH_SET_FS)
            core_set_user_fs(addr);
        else
            core_set_user_gs(addr);
        return 0;
    case ARCH_GET_FS:
    case ARCH_GET_GS:
        base = code == ARCH_GET_FS ? core_get_user_fs() : core_get_user_gs();
        return core_copy_to_user(uaddr(addr), &base, sizeof(base)) ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}

long sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    char name[16];
    switch (option) {
    case PR_SET_NAME: {
        /* Linux reads at most 15 bytes: a longer name is cut, and what
         * follows the 15th byte is never touched */
        memset(name, 0, sizeof(name));
        long n = core_strncpy_from_user(name, uaddr(a2), sizeof(name) - 1);
        if (n == -ENAMETOOLONG) /* no NUL in 15 readable bytes: take them */
            n = core_copy_from_user(name, uaddr(a2), sizeof(name) - 1) ? -EFAULT : 15;
        if (n < 0)
            return -EFAULT;
        name[15] = 0;
        memcpy(abi_proc->comm, name, sizeof(name));
        return 0;
    }
    case PR_GET_NAME:
        return core_copy_to_user(uaddr(a2), abi_proc->comm, 16) ? -EFAULT : 0;
    case PR_GET_DUMPABLE:
        return 1;
    case PR_SET_DUMPABLE:
        return a2 <= 1 ? 0 : -EINVAL;
    case PR_SET_NO_NEW_PRIVS:
        return a2 == 1 && !a3 && !a4 && !a5 ? 0 : -EINVAL;
    case PR_GET_NO_NEW_PRIVS:
        return 0;
    default:
        return -EINVAL;
    }
}
