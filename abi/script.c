/* "#!" scripts for execve, as Linux's binfmt_script does it.
 *
 * The first line, at most 256 bytes, names the interpreter and at most one
 * argument (the rest of the line, trimmed). The new argument list is the
 * interpreter, the optional argument, the script's path, then the old
 * argv without argv[0]; the environment is unchanged. exec.c then runs
 * the interpreter, up to a few levels of scripts (ELOOP beyond).
 */
#include "abi_int.h"

#define SCRIPT_LINE_MAX 256

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int script_parse(struct inode *ino, char *interp, size_t isz, char *arg, size_t asz)
{
    char line[SCRIPT_LINE_MAX + 1];
    ssize_t n = vfs_read_kernel(ino, 0, line, SCRIPT_LINE_MAX);
    if (n < 2 || line[0] != '#' || line[1] != '!')
        return 0;
    line[n] = 0;
    char *end = memchr(line, '\n', (size_t)n);
    bool whole = end != NULL;
    if (end)
        *end = 0;
    char *p = line + 2;
    while (is_blank(*p))
        p++;
    char *name = p;
    while (*p && !is_blank(*p))
        p++;
    if (p == name)
        return -ENOEXEC; /* no interpreter */
    if (!*p && !whole && (size_t)n == SCRIPT_LINE_MAX)
        return -ENOEXEC; /* the name runs past the first 256 bytes */
    size_t nlen = (size_t)(p - name);
    while (is_blank(*p))
        p++;
    char *a = p;
    char *ae = a + strlen(a);
    while (ae > a && is_blank(ae[-1]))
        ae--;
    if (nlen + 1 > isz || (size_t)(ae - a) + 1 > asz)
        return -ENAMETOOLONG;
    memcpy(interp, name, nlen);
    interp[nlen] = 0;
    memcpy(arg, a, (size_t)(ae - a));
    arg[ae - a] = 0;
    return 1;
}

static bool put(struct exec_strings *o, size_t *at, const char *str)
{
    size_t n = strlen(str) + 1;
    memcpy(o->buf + *at, str, n);
    *at += n;
    return true;
}

/* New strings: interp [arg] path argv[1..] envp. */
int script_strings(const struct exec_strings *s, const char *interp, const char *arg,
                   const char *path, struct exec_strings *out)
{
    size_t skip = s->argc ? strlen(s->buf) + 1 : 0;
    size_t len = strlen(interp) + 1 + (*arg ? strlen(arg) + 1 : 0) + strlen(path) + 1 +
                 (s->len - skip);
    memset(out, 0, sizeof(*out));
    out->buf = core_malloc(len);
    if (!out->buf)
        return -ENOMEM;
    size_t at = 0;
    put(out, &at, interp);
    if (*arg)
        put(out, &at, arg);
    put(out, &at, path);
    memcpy(out->buf + at, s->buf + skip, s->len - skip);
    out->len = len;
    out->argc = (s->argc ? s->argc - 1 : 0) + (*arg ? 3 : 2);
    out->envc = s->envc;
    return 0;
}
