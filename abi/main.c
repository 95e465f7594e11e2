/* service_main: the Linux ABI layer's boot, from command line to user mode.
 *
 * The core calls this once it is up. We read the kernel command line
 * (include/mica/cmdline.h: percent-encoded words), unpack the initramfs
 * into the tmpfs root, register the syscall, fault and trap handlers,
 * open the console as fds 0-2, and exec the program the same way execve
 * does. If the program cannot run, one line on stderr says why and the
 * VM exits 127 (not found) or 126 (cannot execute), as shells do.
 *
 * A value that decodes to a NUL byte (%00) cannot be a C string: the
 * command line is malformed (mica never encodes one) and the VM exits 125
 * with one line naming the key, rather than cut or shift argv.
 */
#include "abi_int.h"

#include <core/boot.h>
#include <mica/cmdline.h>


struct boot_args {
    char *path, *cwd;
    struct exec_strings argv, envp, mounts;
    bool panic_test;
    const char *malformed; /* key of the first value that holds a NUL */
};

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode len bytes of a percent-encoded value into a new string. */
static char *pct_decode(const char *s, size_t len, size_t *out_len)
{
    char *d = core_malloc(len + 1);
    if (!d)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len &&
            (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
            d[n++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            d[n++] = s[i];
        }
    }
    d[n] = 0;
    *out_len = n;
    return d;
}

static bool strings_add(struct exec_strings *s, const char *v, size_t len)
{
    char *nb = core_realloc(s->buf, s->len + len + 1);
    if (!nb)
        return false;
    s->buf = nb;
    memcpy(s->buf + s->len, v, len + 1);
    s->len += len + 1;
    s->argc++;
    return true;
}

static bool prefix(const char *w, size_t wlen, const char *p)
{
    size_t n = strlen(p);
    return wlen >= n && memcmp(w, p, n) == 0;
}

static void parse_word(struct boot_args *a, const char *w, size_t len)
{
    size_t vlen;
    char *v;
    if (len == strlen(MICA_CMDLINE_PANIC_TEST) && prefix(w, len, MICA_CMDLINE_PANIC_TEST)) {
        a->panic_test = true;
        return;
    }
    const char *keys[5] = {MICA_CMDLINE_PATH, MICA_CMDLINE_ARG, MICA_CMDLINE_ENV,
                           MICA_CMDLINE_CWD, MICA_CMDLINE_MOUNT};
    for (int k = 0; k < 5; k++) {
        if (!prefix(w, len, keys[k]))
            continue;
        size_t kl = strlen(keys[k]);
        v = pct_decode(w + kl, len - kl, &vlen);
        if (!v)
            core_panic("out of memory parsing the command line");
        if (strlen(v) != vlen) {
            if (!a->malformed)
                a->malformed = keys[k];
            core_free(v);
            return;
        }
        if (k == 0 || k == 3) {
            core_free(k == 0 ? a->path : a->cwd);
            *(k == 0 ? &a->path : &a->cwd) = v;
            return;
        }
        if (!strings_add(k == 1 ? &a->argv : k == 2 ? &a->envp : &a->mounts, v, vlen))
            core_panic("out of memory parsing the command line");
        core_free(v);
        return;
    }
}

static void parse_cmdline(struct boot_args *a, const char *cl)
{
    while (cl && *cl) {
        while (*cl == ' ' || *cl == '\t' || *cl == '\n')
            cl++;
        const char *e = cl;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n')
            e++;
        if (e > cl)
            parse_word(a, cl, (size_t)(e - cl));
        cl = e;
    }
}

static __noreturn void fail(const char *what, const char *why, int status)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "mica: %s: %s\n", what, why);
    core_console_write(CORE_STDERR, line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
    core_console_flush();
    core_vm_exit(status);
}

static void proc_init(void)
{
    if (!proc_init_first())
        core_panic("out of memory for the first process");
    proc_init_limits(abi_proc);
    abi_proc->umask = 022;
    strlcpy(abi_proc->comm, "init", sizeof(abi_proc->comm));
}

/* The host shares, in order, before the working directory is looked up
 * (it may be inside one). */
static void fs_mount_shares(const struct exec_strings *m)
{
    const char *spec = m->buf;
    for (size_t i = 0; i < m->argc; i++, spec += strlen(spec) + 1) {
        const char *what, *path = strchr(spec, ',');
        path = path ? strchr(path + 1, ',') : NULL;
        char why[96];
        int err = boot_mount(spec, &what);
        if (!err)
            continue;
        snprintf(why, sizeof(why), "%s (error %d)", what, -err);
        fail(path ? path + 1 : spec, why, 125);
    }
}

static void fs_init(const char *cwd, const struct exec_strings *mounts)
{
    const void *img;
    size_t size;
    if (vfs_init())
        core_panic("out of memory creating the root filesystem");
    core_boot_initrd(&img, &size);
    if (size) {
        int err = initramfs_unpack(img, size);
        if (err)
            fail("initramfs", err == -EINVAL ? "corrupt archive" : "out of memory", 125);
    }
    if (vfs_init_late())
        core_panic("out of memory creating /tmp and /dev");
    fs_mount_shares(mounts);
    abi_proc->cwd = mount_cross(vfs_root); /* a share may cover "/" */
    inode_get(abi_proc->cwd);
    if (cwd && *cwd) {
        struct lookup lk;
        /* made when missing (mica run -w), in the private root or overlay */
        if (cwd[0] == '/' && boot_mkdir_p(cwd))
            fail(cwd, "cannot make the working directory", 125);
        if (vfs_lookup_at(AT_FDCWD, cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lk))
            fail(cwd, "cannot change directory: No such directory", 125);
        inode_put(abi_proc->cwd);
        abi_proc->cwd = lk.inode;
        lk.inode = NULL;
        lookup_release(&lk);
    }
}

__noreturn void service_main(void)
{
    struct boot_args a;
    struct core_uregs regs;
    const char *why = "cannot execute";
    memset(&a, 0, sizeof(a));
    memset(&regs, 0, sizeof(regs));
    parse_cmdline(&a, core_boot_cmdline());
    if (a.panic_test)
        core_panic("panic test requested");
    if (a.malformed) {
        char why[64];
        snprintf(why, sizeof(why), "%%00 in a %s value", a.malformed);
        fail("malformed command line", why, 125);
    }
    proc_init();
    fs_init(a.cwd, &a.mounts);
    core_set_syscall_handler(syscall_dispatch);
    core_set_fault_handler(mm_fault);
    core_set_trap_handler(trap_handler);
    if (console_open_stdio())
        core_panic("out of memory opening the console");
    if (!a.path)
        fail("mica.path", "no program given", 127);
    /* One buffer: argv strings, then the environment. */
    struct exec_strings s = a.argv;
    s.envc = a.envp.argc;
    if (a.envp.len) {
        char *nb = core_realloc(s.buf, s.len + a.envp.len);
        if (!nb)
            core_panic("out of memory building argv");
        memcpy(nb + s.len, a.envp.buf, a.envp.len);
        s.buf = nb;
        s.len += a.envp.len;
    }
    core_log("mica: exec %s (%zu args, %zu env) on %s\n", a.path, s.argc, s.envc,
             core_platform_name());
    int err = exec_image(a.path, &s, &regs, &why);
    if (err)
        fail(a.path, why ? why : "cannot execute", err == -ENOENT ? 127 : 126);
    core_free(s.buf);
    core_free(a.envp.buf);
    core_user_enter(&regs);
}
