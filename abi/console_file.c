/* The console as a file: stdin from the host, stdout and stderr to it.
 *
 * It behaves like a pipe-ish character device, not a terminal: it cannot
 * seek (ESPIPE), and the terminal ioctls answer ENOTTY, so libc picks
 * full buffering and programs do not try to set modes. Writes go to the
 * stream recorded in the open file (fd 1 and fd 2 are separate opens),
 * so dup2(2, 1) sends output where Linux would.
 */
#include "abi_int.h"

#include <core/console.h>
#include <asm/ioctls.h>

#define CONSOLE_CHUNK 4096

static struct inode *console;

struct inode *console_inode(void)
{
    if (!console) {
        console = inode_new(S_IFCHR | 0620);
        if (!console)
            return NULL;
        console->rdev_major = 5; /* like /dev/console */
        console->rdev_minor = 1;
        console->fops = &console_ops;
        console->refs = 1; /* never freed */
        console->nlink = 0;
    }
    return console;
}

static ssize_t console_read(struct file *f, uaddr_t u_buf, size_t len,
                            uint64_t *pos)
{
    if (len == 0)
        return 0;
    char *buf = core_malloc(CONSOLE_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t n = core_console_read(buf, len < CONSOLE_CHUNK ? len : CONSOLE_CHUNK);
    ssize_t ret = (ssize_t)n;
    if (n && core_copy_to_user(u_buf, buf, n))
        ret = -EFAULT; /* the bytes are lost, as on a pipe read that faults */
    core_free(buf);
    return ret;
}

static ssize_t console_write(struct file *f, uaddr_t u_buf, size_t len,
                             uint64_t *pos)
{
    char *buf = core_malloc(CONSOLE_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < CONSOLE_CHUNK ? len - done : CONSOLE_CHUNK;
        if (core_copy_from_user(buf, uaddr_add(u_buf, done), n))
            break;
        core_console_write(f->stream ? f->stream : CORE_STDOUT, buf, n);
        done += n;
    }
    core_free(buf);
    if (done == 0 && len)
        return -EFAULT;
    return (ssize_t)done;
}

static long console_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    return -ENOTTY; /* TCGETS, TIOCGWINSZ ...: not a terminal */
}

static unsigned console_poll(struct file *f, struct poll_table *pt)
{
    /* POLLOUT always; POLLIN optimistically (a read blocks until data). */
    return FILE_READABLE(f) ? 0x1 | 0x4 : 0x4;
}

const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .ioctl = console_ioctl,
    .poll = console_poll,
    .seekable = false,
};

/* fds 0, 1, 2 of the first process. */
int console_open_stdio(void)
{
    struct inode *ino = console_inode();
    if (!ino)
        return -ENOMEM;
    static const uint32_t modes[3] = {O_RDONLY, O_WRONLY, O_WRONLY};
    static const int streams[3] = {0, CORE_STDOUT, CORE_STDERR};
    for (int fd = 0; fd < 3; fd++) {
        struct file *f = file_new(ino, modes[fd]);
        if (!f)
            return -ENOMEM;
        f->stream = streams[fd];
        int err = fd_install_at(f, fd, false);
        if (err < 0) {
            file_put(f);
            return err;
        }
    }
    return 0;
}
