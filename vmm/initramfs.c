/* mica VMM: the initramfs of a run: a few standard directories, the
 * program's parent directories, the program at its host path, and for a
 * dynamic program its interpreter and libraries (libs.c) at theirs.
 *
 * The program is copied with its host permission bits and mtime, owned by
 * root. Directories are written once each, parents before children; the
 * fixed directories come first so their modes (/tmp 01777, /root 0700) win
 * over the 0755 given to the program's parents.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "initramfs.h"

#define INITRAMFS_MAX_FILE (1u << 30) /* cpio newc sizes are 32-bit */
#define INITRAMFS_MAX_DIRS 256

struct dirset {
    char *names[INITRAMFS_MAX_DIRS];
    size_t n;
};

static const struct {
    const char *name;
    uint32_t mode;
} initramfs_fixed_dirs[] = {
    {"/dev", 0755}, {"/proc", 0755}, {"/root", 0700}, {"/tmp", 01777},
};

static int dirset_add(struct dirset *ds, struct cpio *c, const char *name,
                      size_t len, uint32_t mode)
{
    struct cpio_entry e = { .mode = S_IFDIR | mode, .mtime = (uint32_t)time(NULL) };
    size_t i;
    int rc;

    for (i = 0; i < ds->n; i++)
        if (strlen(ds->names[i]) == len && memcmp(ds->names[i], name, len) == 0)
            return 0;
    if (ds->n == INITRAMFS_MAX_DIRS)
        return -ENAMETOOLONG;
    ds->names[ds->n] = strndup(name, len);
    if (ds->names[ds->n] == NULL)
        return -ENOMEM;
    e.name = ds->names[ds->n++];
    rc = cpio_add(c, &e);
    return rc;
}

static void dirset_release(struct dirset *ds)
{
    while (ds->n > 0)
        free(ds->names[--ds->n]);
}

/* Every proper prefix of path that ends before a '/', e.g. /usr, /usr/bin. */
static int initramfs_add_parents(struct dirset *ds, struct cpio *c,
                                 const char *path)
{
    const char *p;
    int rc;

    for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
        rc = dirset_add(ds, c, path, (size_t)(p - path), 0755);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int initramfs_read_all(int fd, uint8_t *buf, size_t size)
{
    size_t done = 0;
    ssize_t n;

    while (done < size) {
        n = pread(fd, buf + done, size - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO; /* the file shrank under us */
        done += (size_t)n;
    }
    return 0;
}

/* The regular file open on fd, at guest path. */
static int initramfs_add_file(struct cpio *c, int fd, const char *path,
                              struct mica_error *err)
{
    struct cpio_entry e = { .name = path };
    struct stat st;
    uint8_t *data;
    int rc;

    if (fstat(fd, &st) < 0)
        return mica_error_sys(err, errno, "%s", path);
    if ((uint64_t)st.st_size > INITRAMFS_MAX_FILE)
        return mica_error_set(err, EFBIG, "%s: files over 1 GiB are not "
                              "supported", path);
    data = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (data == NULL)
        return mica_error_set(err, ENOMEM, "out of memory");
    rc = initramfs_read_all(fd, data, (size_t)st.st_size);
    if (rc < 0) {
        free(data);
        return mica_error_sys(err, -rc, "%s: cannot read", path);
    }
    e.mode = S_IFREG | (st.st_mode & 07777);
    e.mtime = (uint32_t)st.st_mtime;
    e.data = data;
    e.size = (uint32_t)st.st_size;
    rc = cpio_add(c, &e);
    free(data);
    if (rc < 0)
        return mica_error_sys(err, -rc, "initramfs: cannot add %s", path);
    return 0;
}

/* One entry of the library set: its parents, then the link or the file. */
static int initramfs_add_lib(struct dirset *ds, struct cpio *c, const char *root,
                             const struct libs_entry *le, struct mica_error *err)
{
    struct cpio_entry e = { .name = le->path, .mode = S_IFLNK | 0777 };
    char *host;
    int rc, fd;

    rc = initramfs_add_parents(ds, c, le->path);
    if (rc < 0)
        return mica_error_sys(err, -rc, "initramfs: cannot add the "
                              "directories of %s", le->path);
    if (le->target) {
        e.data = le->target;
        e.size = (uint32_t)strlen(le->target);
        e.mtime = (uint32_t)time(NULL);
        rc = cpio_add(c, &e);
        return rc < 0 ? mica_error_sys(err, -rc, "initramfs: cannot add %s",
                                       le->path) : 0;
    }
    if (asprintf(&host, "%s%s", root, le->path) < 0)
        return mica_error_set(err, ENOMEM, "out of memory");
    fd = open(host, O_RDONLY | O_CLOEXEC);
    free(host);
    if (fd < 0)
        return mica_error_sys(err, errno, "%s", le->path);
    rc = initramfs_add_file(c, fd, le->path, err);
    close(fd);
    return rc;
}

static int initramfs_add_dirs(struct dirset *ds, struct cpio *c,
                              const char *path)
{
    size_t i;
    int rc;

    for (i = 0; i < sizeof(initramfs_fixed_dirs) / sizeof(initramfs_fixed_dirs[0]); i++) {
        rc = dirset_add(ds, c, initramfs_fixed_dirs[i].name,
                        strlen(initramfs_fixed_dirs[i].name),
                        initramfs_fixed_dirs[i].mode);
        if (rc < 0)
            return rc;
    }
    return initramfs_add_parents(ds, c, path);
}

/* The host root's extra directories and links; a link is left out where
 * the archive already has a directory of that name. */
static int initramfs_add_root(struct dirset *ds, struct cpio *c,
                              const struct hostroot *root)
{
    static const char *const dirs[] = {"/home", "/run", "/var"};
    struct cpio_entry e = { .mode = S_IFLNK | 0777 };
    size_t i, j;
    int rc = 0;

    for (i = 0; rc == 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++)
        rc = dirset_add(ds, c, dirs[i], strlen(dirs[i]), 0755);
    for (i = 0; rc == 0 && i < root->nr_links; i++) {
        for (j = 0; j < ds->n; j++)
            if (strcmp(ds->names[j], root->links[i].path) == 0)
                break;
        if (j < ds->n)
            continue;
        e.name = root->links[i].path;
        e.data = root->links[i].target;
        e.size = (uint32_t)strlen(root->links[i].target);
        e.mtime = (uint32_t)time(NULL);
        rc = cpio_add(c, &e);
    }
    return rc;
}

int initramfs_build(struct cpio *c, const struct program *prog,
                    const struct libs *libs, struct mica_error *err)
{
    return initramfs_build_root(c, prog, libs, NULL, err);
}

int initramfs_build_root(struct cpio *c, const struct program *prog,
                         const struct libs *libs, const struct hostroot *root,
                         struct mica_error *err)
{
    struct dirset ds = { .n = 0 };
    int rc;

    cpio_init(c);
    rc = initramfs_add_dirs(&ds, c, prog ? prog->path : "/");
    if (rc < 0) {
        dirset_release(&ds);
        cpio_release(c);
        return mica_error_sys(err, -rc, "initramfs: cannot add the "
                              "directories of %s", prog ? prog->path : "/");
    }
    rc = prog ? initramfs_add_file(c, prog->fd, prog->path, err) : 0;
    for (size_t i = 0; libs && i < libs->n && rc == 0; i++)
        rc = initramfs_add_lib(&ds, c, libs->root, &libs->v[i], err);
    if (rc == 0 && root && (rc = initramfs_add_root(&ds, c, root)) < 0)
        mica_error_sys(err, -rc, "initramfs: the host root");
    dirset_release(&ds);
    if (rc == 0 && (rc = cpio_finish(c)) < 0)
        mica_error_sys(err, -rc, "initramfs");
    if (rc < 0)
        cpio_release(c);
    return rc;
}
