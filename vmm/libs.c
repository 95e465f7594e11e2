/* mica VMM: find a dynamic program's interpreter and shared libraries on
 * the host, as ld.so would, so they can be copied into the guest.
 *
 * Each ELF object is read with libelf: PT_INTERP, then PT_DYNAMIC for
 * DT_NEEDED, DT_RPATH, DT_RUNPATH and the string table they point into
 * (found through the PT_LOAD that holds DT_STRTAB). Every offset, size and
 * string index is checked against the file: libelf's raw chunks refuse
 * ranges outside it, and strings must end inside the table.
 *
 * Paths are walked one component at a time inside l->root, following
 * symlinks as the kernel does (at most LIBS_SYMLOOP_MAX): each symlink met
 * is recorded, so the guest sees /lib64/ld-linux-x86-64.so.2 as a link to
 * the file that is really copied, and each recorded path has only real
 * directories above it. The closure is walked breadth first, each
 * DT_NEEDED name resolved once, as ld.so does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libs.h"
#include "program.h"

#define LIBS_SYMLOOP_MAX 40
#define LIBS_MAX_OBJECTS 512
#define LIBS_MAX_NEEDED 1024

static const char *const libs_default_dirs[] = {
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
    "/usr/lib64", "/lib", "/usr/lib",
};

struct libs_obj {
    char *path; /* the guest path it was found at: $ORIGIN is its dir */
    char *interp, *rpath, *runpath;
    char **needed;
    size_t nneeded;
};

/* Symlinks met by one walk, recorded only if the walk is used. */
struct libs_walk {
    char *phys; /* the regular file reached */
    struct libs_entry links[LIBS_SYMLOOP_MAX];
    size_t nlinks;
};

void libs_init(struct libs *l, const char *root)
{
    memset(l, 0, sizeof(*l));
    l->root = root ? root : "";
}

void libs_release(struct libs *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].target);
    }
    for (size_t i = 0; i < l->nnames; i++)
        free(l->names[i]);
    free(l->v);
    free(l->names);
    libs_init(l, l->root);
}

static void walk_release(struct libs_walk *w)
{
    for (size_t i = 0; i < w->nlinks; i++) {
        free(w->links[i].path);
        free(w->links[i].target);
    }
    free(w->phys);
    memset(w, 0, sizeof(*w));
}

static void obj_release(struct libs_obj *o)
{
    for (size_t i = 0; i < o->nneeded; i++)
        free(o->needed[i]);
    free(o->needed);
    free(o->path);
    free(o->interp);
    free(o->rpath);
    free(o->runpath);
}

/* ---- ELF ---- */

/* The string at index i of a table of size n: NULL unless it ends inside. */
static const char *str_at(const Elf_Data *t, uint64_t i)
{
    if (i >= t->d_size || memchr((const char *)t->d_buf + i, 0, t->d_size - i) == NULL)
        return NULL;
    return (const char *)t->d_buf + i;
}

/* The file offset of [vaddr, vaddr+size) through the PT_LOAD holding it. */
static int vaddr_offset(Elf *elf, size_t phnum, uint64_t vaddr, uint64_t size,
                        uint64_t *off)
{
    GElf_Phdr ph;

    for (size_t i = 0; i < phnum; i++) {
        if (gelf_getphdr(elf, (int)i, &ph) == NULL || ph.p_type != PT_LOAD)
            continue;
        if (vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz &&
            size <= ph.p_filesz - (vaddr - ph.p_vaddr)) {
            *off = ph.p_offset + (vaddr - ph.p_vaddr);
            return 0;
        }
    }
    return -1;
}

static int obj_interp(Elf *elf, const GElf_Phdr *ph, struct libs_obj *o)
{
    Elf_Data *d;

    if (ph->p_filesz < 2 || ph->p_filesz > PATH_MAX)
        return -1;
    d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz, ELF_T_BYTE);
    if (d == NULL || ((const char *)d->d_buf)[d->d_size - 1] != '\0' ||
        ((const char *)d->d_buf)[0] != '/')
        return -1;
    free(o->interp);
    o->interp = strdup(d->d_buf);
    return o->interp ? 0 : -1;
}

/* DT_NEEDED, DT_RPATH and DT_RUNPATH from the dynamic array dyn. */
static const char *obj_dynamic(Elf *elf, size_t phnum, Elf_Data *dyn,
                               struct libs_obj *o)
{
    size_t n = dyn->d_size / sizeof(Elf64_Dyn), i, count = 0;
    uint64_t strtab = 0, strsz = 0, off;
    bool have_strtab = false;
    GElf_Dyn d;
    Elf_Data *st;

    for (i = 0; i < n && gelf_getdyn(dyn, (int)i, &d) && d.d_tag != DT_NULL; i++) {
        if (d.d_tag == DT_STRTAB)
            strtab = d.d_un.d_ptr, have_strtab = true;
        else if (d.d_tag == DT_STRSZ)
            strsz = d.d_un.d_val;
        else if (d.d_tag == DT_NEEDED)
            count++;
    }
    if (count == 0 && !have_strtab)
        return NULL;
    if (!have_strtab || strsz == 0 || vaddr_offset(elf, phnum, strtab, strsz, &off) < 0)
        return "bad dynamic string table";
    if (count > LIBS_MAX_NEEDED)
        return "too many DT_NEEDED entries";
    st = elf_getdata_rawchunk(elf, (int64_t)off, strsz, ELF_T_BYTE);
    o->needed = calloc(count + 1, sizeof(char *));
    if (st == NULL || o->needed == NULL)
        return "dynamic string table out of bounds";
    for (i = 0; i < n && gelf_getdyn(dyn, (int)i, &d) && d.d_tag != DT_NULL; i++) {
        const char *s;
        char **slot;
        if (d.d_tag == DT_NEEDED)
            slot = &o->needed[o->nneeded];
        else if (d.d_tag == DT_RPATH)
            slot = &o->rpath;
        else if (d.d_tag == DT_RUNPATH)
            slot = &o->runpath;
        else
            continue;
        if ((s = str_at(st, d.d_un.d_val)) == NULL || *s == '\0')
            return "bad string in the dynamic section";
        free(*slot);
        if ((*slot = strdup(s)) == NULL)
            return "out of memory";
        if (d.d_tag == DT_NEEDED)
            o->nneeded++;
    }
    return NULL;
}

/* Fill o from the ELF object open on fd; NULL or why it is unusable. */
static const char *obj_parse(int fd, struct libs_obj *o)
{
    const char *why = NULL;
    GElf_Ehdr eh;
    GElf_Phdr ph, dynph = {0};
    size_t phnum, i;
    struct stat st;
    Elf *elf;

    if (elf_version(EV_CURRENT) == EV_NONE)
        return "libelf is unusable";
    if (fstat(fd, &st) < 0)
        return "cannot stat";
    elf = elf_begin(fd, ELF_C_READ, NULL);
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64 ||
        gelf_getehdr(elf, &eh) == NULL || eh.e_machine != EM_X86_64 ||
        elf_getphdrnum(elf, &phnum) < 0) {
        why = "not an x86-64 ELF file";
        goto out;
    }
    /* libelf may quietly see no headers in a file cut short */
    if (phnum != eh.e_phnum || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff > (uint64_t)st.st_size ||
        (uint64_t)phnum * sizeof(Elf64_Phdr) > (uint64_t)st.st_size - eh.e_phoff) {
        why = "truncated ELF file";
        goto out;
    }
    for (i = 0; i < phnum && why == NULL; i++) {
        if (gelf_getphdr(elf, (int)i, &ph) == NULL)
            why = "truncated ELF file";
        else if (ph.p_type == PT_INTERP && obj_interp(elf, &ph, o) < 0)
            why = "bad PT_INTERP";
        else if (ph.p_type == PT_DYNAMIC)
            dynph = ph;
    }
    if (why == NULL && dynph.p_type == PT_DYNAMIC) {
        Elf_Data *dyn = elf_getdata_rawchunk(elf, (int64_t)dynph.p_offset,
                                             dynph.p_filesz, ELF_T_DYN);
        why = dyn == NULL ? "dynamic section out of bounds"
                          : obj_dynamic(elf, phnum, dyn, o);
    }
out:
    elf_end(elf);
    return why;
}

/* ---- paths ---- */

static int libs_add(struct libs *l, const char *path, const char *target)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].path, path) == 0)
            return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        struct libs_entry *v = realloc(l->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].path = strdup(path);
    l->v[l->n].target = target ? strdup(target) : NULL;
    if (l->v[l->n].path == NULL || (target && l->v[l->n].target == NULL)) {
        free(l->v[l->n].path);
        free(l->v[l->n].target);
        return -ENOMEM;
    }
    l->n++;
    return 0;
}

static int walk_commit(struct libs *l, const struct libs_walk *w)
{
    int rc = 0;
    for (size_t i = 0; i < w->nlinks && rc == 0; i++)
        rc = libs_add(l, w->links[i].path, w->links[i].target);
    return rc ? rc : libs_add(l, w->phys, NULL);
}

/* Follow symlink cand (a physical path): its target goes before rest. */
static int walk_link(struct libs *l, struct libs_walk *w, const char *cand,
                     char *cur, char **rest, size_t *pos)
{
    char host[2 * PATH_MAX], target[PATH_MAX], *nrest;
    ssize_t n;

    if (w->nlinks == LIBS_SYMLOOP_MAX)
        return -ELOOP;
    snprintf(host, sizeof(host), "%s%s", l->root, cand);
    n = readlink(host, target, sizeof(target) - 1);
    if (n < 0)
        return -errno;
    target[n] = '\0';
    if (asprintf(&nrest, "%s/%s", target, *rest + *pos) < 0)
        return -ENOMEM;
    w->links[w->nlinks].path = strdup(cand);
    w->links[w->nlinks].target = strdup(target);
    w->nlinks++;
    free(*rest);
    *rest = nrest;
    *pos = 0;
    if (target[0] == '/')
        cur[0] = '\0';
    return strlen(nrest) >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Resolve guest path inside l->root to a regular file, as the kernel
 * would; w gets the file's physical path and the symlinks met. */
static int walk_path(struct libs *l, const char *path, struct libs_walk *w)
{
    char cur[PATH_MAX] = "", cand[PATH_MAX], host[2 * PATH_MAX];
    char *rest = strdup(path);
    size_t pos = 0, len;
    bool file = false;
    struct stat st;
    int rc = 0;

    memset(w, 0, sizeof(*w));
    if (rest == NULL)
        return -ENOMEM;
    while (rc == 0) {
        while (rest[pos] == '/')
            pos++;
        if (rest[pos] == '\0')
            break;
        len = strcspn(rest + pos, "/");
        if (file) {
            rc = -ENOTDIR;
        } else if (len == 1 && rest[pos] == '.') {
            pos += len;
        } else if (len == 2 && rest[pos] == '.' && rest[pos + 1] == '.') {
            *(strrchr(cur, '/') ? strrchr(cur, '/') : cur) = '\0';
            pos += len;
        } else if (strlen(cur) + 1 + len >= sizeof(cand)) {
            rc = -ENAMETOOLONG;
        } else {
            size_t cl = strlen(cur);
            memcpy(cand, cur, cl);
            cand[cl] = '/';
            memcpy(cand + cl + 1, rest + pos, len);
            cand[cl + 1 + len] = '\0';
            pos += len;
            snprintf(host, sizeof(host), "%s%s", l->root, cand);
            if (lstat(host, &st) < 0)
                rc = -errno;
            else if (S_ISLNK(st.st_mode))
                rc = walk_link(l, w, cand, cur, &rest, &pos);
            else if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))
                strcpy(cur, cand), file = S_ISREG(st.st_mode);
            else
                rc = -EACCES;
        }
    }
    free(rest);
    if (rc == 0 && !file)
        rc = -EISDIR;
    if (rc == 0 && (w->phys = strdup(cur)) == NULL)
        rc = -ENOMEM;
    if (rc < 0)
        walk_release(w);
    return rc;
}

/* ---- search ---- */

static int open_in_root(struct libs *l, const char *phys)
{
    char host[2 * PATH_MAX];

    snprintf(host, sizeof(host), "%s%s", l->root, phys);
    return open(host, O_RDONLY | O_CLOEXEC);
}

/* An x86-64 ELF64 object, as ld.so checks candidates (others are skipped). */
static bool candidate_ok(struct libs *l, const char *phys)
{
    unsigned char eh[sizeof(Elf64_Ehdr)];
    int fd = open_in_root(l, phys);
    bool ok;

    if (fd < 0)
        return false;
    ok = pread(fd, eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
         memcmp(eh, ELFMAG, SELFMAG) == 0 && eh[EI_CLASS] == ELFCLASS64 &&
         ((Elf64_Ehdr *)eh)->e_machine == EM_X86_64;
    close(fd);
    return ok;
}

static int try_dir(struct libs *l, const char *dir, size_t dlen, const char *name,
                   struct libs_walk *w, char **found)
{
    char *path;

    if (dlen == 0 || asprintf(&path, "%.*s/%s", (int)dlen, dir, name) < 0)
        return -ENOENT;
    if (walk_path(l, path, w) == 0) {
        if (candidate_ok(l, w->phys)) {
            *found = path;
            return 0;
        }
        walk_release(w);
    }
    free(path);
    return -ENOENT;
}

/* Each directory of a DT_RPATH/DT_RUNPATH list, $ORIGIN expanded. */
static int try_list(struct libs *l, const char *list, const struct libs_obj *by,
                    const char *name, struct libs_walk *w, char **found)
{
    const char *p = list, *end;
    char dir[PATH_MAX], origin[PATH_MAX];

    snprintf(origin, sizeof(origin), "%s", by->path);
    *(strrchr(origin, '/') ? strrchr(origin, '/') : origin) = '\0';
    for (; list && *p; p = *end ? end + 1 : end) {
        size_t out = 0;
        end = strchrnul(p, ':');
        while (p < end && out < sizeof(dir) - 1) {
            size_t tok = !strncmp(p, "${ORIGIN}", 9) ? 9 : !strncmp(p, "$ORIGIN", 7) ? 7 : 0;
            if (tok && p + tok <= end) {
                out += (size_t)snprintf(dir + out, sizeof(dir) - out, "%s", origin);
                p += tok;
            } else {
                dir[out++] = *p++;
            }
        }
        if (out < sizeof(dir) - 1 && try_dir(l, dir, out, name, w, found) == 0)
            return 0;
    }
    return -ENOENT;
}

static int find_lib(struct libs *l, struct libs_obj *objs, size_t i,
                    const char *name, struct libs_walk *w, char **found)
{
    const struct libs_obj *o = &objs[i];

    if (strchr(name, '/')) {
        char *abs = program_path_absolute(name);
        int rc = abs ? walk_path(l, abs, w) : -ENOMEM;
        if (rc == 0)
            *found = abs;
        else
            free(abs);
        return rc;
    }
    if (o->runpath == NULL) {
        if (try_list(l, o->rpath, o, name, w, found) == 0)
            return 0;
        if (i != 0 && objs[0].runpath == NULL &&
            try_list(l, objs[0].rpath, &objs[0], name, w, found) == 0)
            return 0;
    }
    if (try_list(l, o->runpath, o, name, w, found) == 0)
        return 0;
    for (size_t d = 0; d < sizeof(libs_default_dirs) / sizeof(*libs_default_dirs); d++)
        if (try_dir(l, libs_default_dirs[d], strlen(libs_default_dirs[d]), name, w,
                    found) == 0)
            return 0;
    return -ENOENT;
}

static bool name_done(struct libs *l, const char *name)
{
    for (size_t i = 0; i < l->nnames; i++)
        if (strcmp(l->names[i], name) == 0)
            return true;
    return false;
}

static int name_add(struct libs *l, const char *name)
{
    char **v = realloc(l->names, (l->nnames + 1) * sizeof(*v));
    if (v == NULL)
        return -ENOMEM;
    l->names = v;
    if ((v[l->nnames] = strdup(name)) == NULL)
        return -ENOMEM;
    l->nnames++;
    return 0;
}

/* ---- the closure ---- */

static int obj_load(struct libs *l, struct libs_obj *o, const char *path,
                    const char *phys, struct mica_error *err)
{
    int fd = open_in_root(l, phys);
    const char *why;

    memset(o, 0, sizeof(*o));
    if (fd < 0)
        return mica_error_sys(err, errno, "%s", path);
    why = obj_parse(fd, o);
    close(fd);
    if ((o->path = strdup(path)) == NULL)
        why = "out of memory";
    if (why) {
        mica_error_set(err, ENOEXEC, "%s: %s", path, why);
        return mica_error_status(err, MICA_STATUS_NOEXEC);
    }
    return 0;
}

static int add_interp(struct libs *l, const struct libs_obj *prog, struct mica_error *err)
{
    struct libs_walk w;
    const char *base = strrchr(prog->interp, '/') + 1;
    int rc = walk_path(l, prog->interp, &w);

    if (rc < 0) {
        mica_error_set(err, -rc, "%s: interpreter %s: %s", prog->path, prog->interp,
                       strerror(-rc));
        return mica_error_status(err, MICA_STATUS_NOTFOUND);
    }
    rc = walk_commit(l, &w);
    walk_release(&w);
    if (rc == 0 && *base)
        rc = name_add(l, base); /* ld.so matches it by name: never searched */
    return rc < 0 ? mica_error_set(err, -rc, "out of memory") : 0;
}

/* Resolve the needs of objs[i], appending new objects to objs. */
static int add_needed(struct libs *l, struct libs_obj *objs, size_t i, size_t *nobjs,
                      struct mica_error *err)
{
    for (size_t k = 0; k < objs[i].nneeded; k++) {
        const char *name = objs[i].needed[k];
        struct libs_walk w;
        char *found = NULL;
        int rc;

        if (name_done(l, name))
            continue;
        if (find_lib(l, objs, i, name, &w, &found) < 0) {
            mica_error_set(err, ENOENT, "%s: cannot find shared library %s "
                           "(needed by %s)", objs[0].path, name, objs[i].path);
            return mica_error_status(err, MICA_STATUS_NOTFOUND);
        }
        rc = name_add(l, name);
        if (rc == 0)
            rc = walk_commit(l, &w);
        if (rc == 0 && *nobjs == LIBS_MAX_OBJECTS)
            rc = mica_error_set(err, E2BIG, "%s: more than %d shared libraries",
                                objs[0].path, LIBS_MAX_OBJECTS);
        else if (rc == 0)
            rc = obj_load(l, &objs[(*nobjs)++], found, w.phys, err);
        else
            rc = mica_error_set(err, -rc, "out of memory");
        walk_release(&w);
        free(found);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int libs_resolve(struct libs *l, const char *prog_path, int fd,
                 struct mica_error *err)
{
    struct libs_obj *objs = calloc(LIBS_MAX_OBJECTS, sizeof(*objs));
    struct libs_walk w;
    size_t nobjs = 1;
    const char *why;
    int rc = 0;

    if (objs == NULL)
        return mica_error_set(err, ENOMEM, "out of memory");
    why = obj_parse(fd, &objs[0]);
    /* $ORIGIN of the program is where it really is */
    objs[0].path = strdup(walk_path(l, prog_path, &w) == 0 ? w.phys : prog_path);
    if (w.phys)
        walk_release(&w);
    if (why) {
        mica_error_set(err, ENOEXEC, "%s: %s", prog_path, why);
        rc = mica_error_status(err, MICA_STATUS_NOEXEC);
    } else if (objs[0].path == NULL) {
        rc = mica_error_set(err, ENOMEM, "out of memory");
    } else if (objs[0].interp) {
        rc = add_interp(l, &objs[0], err);
        for (size_t i = 0; i < nobjs && rc == 0; i++)
            rc = add_needed(l, objs, i, &nobjs, err);
    }
    for (size_t i = 0; i < nobjs; i++)
        obj_release(&objs[i]);
    free(objs);
    return rc;
}
