/* mica VMM: the guest kernel image, built in or from --kernel FILE. */
#ifndef MICA_VMM_KERNEL_IMAGE_H
#define MICA_VMM_KERNEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kernel_image {
    const uint8_t *data;
    size_t size;
    void *map; /* mmap of --kernel FILE, or NULL for the built-in image */
};

int kernel_image_open(struct kernel_image *k, const char *path,
                      struct mica_error *err);
void kernel_image_release(struct kernel_image *k);

#endif
