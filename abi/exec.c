/* execve: replace the process image with a new program.
 *
 * The new image is built completely in a fresh address space (ELF
 * segments, stack, brk) while the old one still runs; only when nothing
 * can fail any more is it switched in and the old one destroyed. Then
 * every other thread of the process ends (its TID goes; the exec'ing
 * thread takes the PID), and the point of no return: close-on-exec
 * descriptors go, caught signals
 * revert to their defaults, the FS base is cleared, and the registers are
 * those of a new program. The first program is started the same way.
 */
#include "abi_int.h"
#include "sys.h"

#define MAX_ARG_STRLEN (32 * CORE_PAGE_SIZE)
#define MAX_ARG_TOTAL (MM_STACK_SIZE / 4)

/* May ino be executed? 0, or -errno with *why. */
static int exec_check(struct inode *ino, const char **why)
{
    /* the mode as the filesystem has it now (virtio-fs: the server's) */
    int err = vfs_getattr(ino);
    if (err) {
        *why = "cannot read the file's attributes";
        return err;
    }
    *why = "Permission denied";
    if (S_ISDIR(ino->mode) || !inode_has_data(ino) || !(ino->mode & 0111))
        return -EACCES;
    return 0;
}

static const char *lookup_why(int err)
{
    return err == -ENOENT ? "No such file or directory"
         : err == -ENOTDIR ? "Not a directory"
         : err == -ELOOP ? "Too many levels of symbolic links"
         : err == -ENAMETOOLONG ? "File name too long" : "cannot resolve path";
}

static int exec_resolve(const char *path, struct inode **out, const char **why)
{
    struct lookup lk;
    int err = vfs_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &lk);
    if (err) {
        *why = lookup_why(err);
        return err;
    }
    err = exec_check(lk.inode, why);
    if (err) {
        lookup_release(&lk);
        return err;
    }
    *out = lk.inode; /* keeps the reference */
    return 0;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b && b[1] ? b + 1 : path;
}

static void exec_commit(struct mm *mm, const char *path, const struct elf_image *img,
                        uint64_t rsp, struct core_uregs *regs)
{
    struct mm *old = abi_proc->mm;
    abi_proc->mm = mm;
    core_as_activate(mm->as);
    mm_put(old);
    proc_exec_done(abi_proc);
    fd_close_on_exec();
    signals_reset_on_exec(abi_proc);
    core_set_user_fs(0);
    strlcpy(abi_proc->comm, base_name(path), sizeof(abi_proc->comm));
    uint64_t cs = regs->cs, ss = regs->ss;
    memset(regs, 0, sizeof(*regs));
    regs->cs = cs;
    regs->ss = ss;
    regs->orig_rax = (uint64_t)-1;
    regs->rip = img->start;
    regs->rsp = rsp;
    regs->rflags = 0x202;
}

#define SCRIPT_DEPTH_MAX 4

static int exec_depth(const char *path, const char *execfn, const struct exec_strings *s,
                      struct core_uregs *regs, const char **why, int depth);

/* path is a "#!" script: run its interpreter with the script's arguments. */
static int exec_script(const char *path, const char *execfn, const char *interp,
                       const char *arg, const struct exec_strings *s,
                       struct core_uregs *regs, const char **why, int depth)
{
    struct exec_strings ns;
    *why = "Too many levels of symbolic links";
    if (depth >= SCRIPT_DEPTH_MAX)
        return -ELOOP;
    *why = "out of memory";
    int err = script_strings(s, interp, arg, path, &ns);
    if (err)
        return err;
    if (ns.len > MAX_ARG_TOTAL)
        err = -E2BIG;
    else
        err = exec_depth(interp, execfn, &ns, regs, why, depth + 1);
    core_free(ns.buf);
    return err;
}

/* Run ino (referenced; the reference is the callee's), found as path. */
static int exec_inode(struct inode *ino, const char *path, const char *execfn,
                      const struct exec_strings *s, struct core_uregs *regs, const char **why,
                      int depth)
{
    struct elf_image img;
    char interp[256], arg[256];
    uint64_t rsp;
    int err;
    int kind = script_parse(ino, interp, sizeof(interp), arg, sizeof(arg));
    if (kind) {
        inode_put(ino);
        *why = "bad interpreter line";
        return kind < 0 ? kind
                        : exec_script(path, execfn, interp, arg, s, regs, why, depth);
    }
    struct mm *mm = mm_new();
    err = -ENOMEM;
    *why = "out of memory";
    if (!mm)
        goto out;
    err = elf_load(ino, mm, &img, why);
    if (err)
        goto out;
    err = stack_build(mm, &img, s, execfn, &rsp);
    if (err) {
        *why = err == -E2BIG ? "argument list too long" : "out of memory";
        goto out;
    }
    mm->brk_start = mm->brk = img.brk_start;
    /* Linux's de_thread: the other threads end before the image changes */
    err = proc_kill_other_threads();
    if (err) {
        *why = "another thread is exiting";
        goto out;
    }
    exec_commit(mm, execfn, &img, rsp, regs);
    if (abi_proc->exe)
        inode_put(abi_proc->exe);
    abi_proc->exe = ino; /* for /proc/PID/exe */
    inode_get(ino);
    mm = NULL;
    err = 0;
out:
    mm_destroy(mm);
    inode_put(ino);
    return err;
}

static int exec_depth(const char *path, const char *execfn, const struct exec_strings *s,
                      struct core_uregs *regs, const char **why, int depth)
{
    struct inode *ino = NULL;
    int err = exec_resolve(path, &ino, why);
    if (err)
        return err;
    return exec_inode(ino, path, execfn, s, regs, why, depth);
}

/* Run path, or ino when it is given (execveat: path is then its name).
 * An empty argv gets "" as argv[0], as Linux does since 5.18. */
static int exec_start(struct inode *ino, const char *path, const struct exec_strings *s,
                      struct core_uregs *regs, const char **why)
{
    struct exec_strings ns = *s;
    if (!s->argc) {
        *why = "out of memory";
        ns.buf = core_malloc(s->len + 1);
        if (!ns.buf) {
            if (ino)
                inode_put(ino);
            return -ENOMEM;
        }
        ns.buf[0] = 0;
        memcpy(ns.buf + 1, s->buf, s->len);
        ns.len = s->len + 1;
        ns.argc = 1;
    }
    int err = ino ? exec_inode(ino, path, path, &ns, regs, why, 0)
                  : exec_depth(path, path, &ns, regs, why, 0);
    if (ns.buf != s->buf)
        core_free(ns.buf);
    return err;
}

int exec_image(const char *path, const struct exec_strings *s,
               struct core_uregs *regs, const char **why)
{
    return exec_start(NULL, path, s, regs, why);
}

/* Append the NULL-terminated user array of strings at u_vec to s. */
static long strings_from_user(struct exec_strings *s, uaddr_t u_vec, size_t *count,
                              size_t *cap)
{
    char *tmp = core_malloc(MAX_ARG_STRLEN);
    if (!tmp)
        return -ENOMEM;
    long ret = 0;
    for (size_t i = 0; u_vec.addr; i++) {
        uint64_t up;
        if (core_copy_from_user(&up, uaddr_add(u_vec, i * 8), 8)) {
            ret = -EFAULT;
            break;
        }
        if (!up)
            break;
        long n = core_strncpy_from_user(tmp, uaddr(up), MAX_ARG_STRLEN);
        if (n < 0) {
            ret = n == -ENAMETOOLONG ? -E2BIG : n;
            break;
        }
        if (s->len + (size_t)n + 1 > MAX_ARG_TOTAL) {
            ret = -E2BIG;
            break;
        }
        if (s->len + (size_t)n + 1 > *cap) { /* grow by doubling */
            size_t want = *cap ? *cap * 2 : 4096;
            while (want < s->len + (size_t)n + 1)
                want *= 2;
            char *nb = core_realloc(s->buf, want);
            if (!nb) {
                ret = -ENOMEM;
                break;
            }
            s->buf = nb;
            *cap = want;
        }
        memcpy(s->buf + s->len, tmp, (size_t)n + 1);
        s->len += (size_t)n + 1;
        (*count)++;
    }
    core_free(tmp);
    return ret;
}

/* execveat's file: the path from dirfd (or dirfd's own file with
 * AT_EMPTY_PATH and ""), and the name the new program sees as AT_EXECFN
 * and a script's interpreter as its argument: "/dev/fd/N/path" or
 * "/dev/fd/N", as Linux's. A path execve could take is left to it. */
static long execat_resolve(int dirfd, char **path, int flags, struct inode **out)
{
    const char *why;
    struct lookup lk;
    long err;
    *out = NULL;
    if (!**path) {
        if (!(flags & AT_EMPTY_PATH))
            return -ENOENT;
        struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);
        if (!f || !f->inode)
            return -EBADF;
        lk.inode = f->inode;
        inode_get(lk.inode);
    } else if (!(flags & AT_SYMLINK_NOFOLLOW) && (**path == '/' || dirfd == AT_FDCWD)) {
        return 0;
    } else if ((err = vfs_lookup_at(dirfd, *path,
                                    flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &lk))) {
        return err;
    } else if (inode_is_lnk(lk.inode)) {
        lookup_release(&lk);
        return -ELOOP;
    }
    if ((err = exec_check(lk.inode, &why))) {
        inode_put(lk.inode);
        return err;
    }
    size_t n = strlen(*path) + 32;
    char *name = core_malloc(n);
    if (!name) {
        inode_put(lk.inode);
        return -ENOMEM;
    }
    if (**path == '/' || (dirfd == AT_FDCWD && **path))
        strlcpy(name, *path, n);
    else if (**path)
        snprintf(name, n, "/dev/fd/%d/%s", dirfd, *path);
    else
        snprintf(name, n, "/dev/fd/%d", dirfd);
    core_free(*path);
    *path = name;
    *out = lk.inode;
    return 0;
}

static long execve_common(int dirfd, uaddr_t u_path, uaddr_t u_argv, uaddr_t u_envp,
                          int flags, struct core_uregs *regs)
{
    struct exec_strings s = {0};
    struct inode *ino = NULL;
    char *path = NULL;
    const char *why;
    long ret = path_from_user(u_path, &path);
    if (ret < 0)
        return ret;
    ret = 0;
    if (dirfd != AT_FDCWD || flags)
        ret = execat_resolve(dirfd, &path, flags, &ino);
    size_t cap = 0;
    if (!ret)
        ret = strings_from_user(&s, u_argv, &s.argc, &cap);
    if (!ret)
        ret = strings_from_user(&s, u_envp, &s.envc, &cap);
    if (!ret) {
        ret = exec_start(ino, path, &s, regs, &why);
        ino = NULL; /* exec_start's now */
    }
    if (ino)
        inode_put(ino);
    core_free(s.buf);
    core_free(path);
    return ret;
}

long sys_execve(uaddr_t u_path, uaddr_t u_argv, uaddr_t u_envp, struct core_uregs *regs)
{
    return execve_common(AT_FDCWD, u_path, u_argv, u_envp, 0, regs);
}

long sys_execveat(int dirfd, uaddr_t u_path, uaddr_t u_argv, uaddr_t u_envp,
                  int flags, struct core_uregs *regs)
{
    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    return execve_common(dirfd, u_path, u_argv, u_envp, flags, regs);
}
