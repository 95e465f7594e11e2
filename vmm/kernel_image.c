/* mica VMM: find the guest kernel: the image linked into mica
 * (vmm/kernel_blob.S) or a file given with --kernel, mapped read-only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_image.h"

extern const uint8_t mica_kernel_start[];
extern const uint8_t mica_kernel_end[];

static int kernel_image_check(const struct kernel_image *k, const char *what,
                              struct mica_error *err)
{
    if (k->size < 64 || memcmp(k->data, "\177ELF", 4) != 0)
        return mica_error_set(err, ENOEXEC, "%s: not an ELF kernel image",
                              what);
    return 0;
}

static int kernel_image_map(struct kernel_image *k, const char *path,
                            struct mica_error *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return mica_error_sys(err, errno, "--kernel %s", path);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        return mica_error_set(err, EINVAL, "--kernel %s: not a kernel image "
                              "file", path);
    }
    k->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (k->map == MAP_FAILED) {
        k->map = NULL;
        return mica_error_sys(err, errno, "--kernel %s: mmap", path);
    }
    k->data = k->map;
    k->size = (size_t)st.st_size;
    return 0;
}

int kernel_image_open(struct kernel_image *k, const char *path,
                      struct mica_error *err)
{
    int rc;

    k->map = NULL;
    if (path == NULL) {
        k->data = mica_kernel_start;
        k->size = (size_t)(mica_kernel_end - mica_kernel_start);
        return kernel_image_check(k, "built-in kernel", err);
    }
    rc = kernel_image_map(k, path, err);
    if (rc == 0 && (rc = kernel_image_check(k, path, err)) < 0)
        kernel_image_release(k);
    return rc;
}

void kernel_image_release(struct kernel_image *k)
{
    if (k->map)
        munmap(k->map, k->size);
    k->map = NULL;
    k->data = NULL;
    k->size = 0;
}
