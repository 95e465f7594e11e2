/* Extended attributes: tmpfs here keeps none.
 *
 * Reading an attribute says it is not there (ENODATA) and listing gives
 * an empty list, which is what programs like `ls -l` and `cp -a` expect
 * from a filesystem without labels; setting one is refused (EOPNOTSUPP).
 * The path is still resolved, so a missing file gives ENOENT as on Linux.
 */
#include "abi_int.h"
#include "sys.h"

static long xattr_path(uaddr_t u_path, bool follow)
{
    char *path;
    struct lookup lk;
    long ret = path_from_user(u_path, &path);
    if (ret < 0)
        return ret;
    ret = vfs_lookup_at(AT_FDCWD, path, follow ? LOOKUP_FOLLOW : 0, &lk);
    core_free(path);
    if (!ret)
        lookup_release(&lk);
    return ret;
}

static long xattr_fd(int fd)
{
    return fd_get(fd) ? 0 : -EBADF;
}

long sys_getxattr(uaddr_t u_path, uaddr_t u_name, uaddr_t u_val, size_t size)
{
    long ret = xattr_path(u_path, true);
    return ret ? ret : -ENODATA;
}

long sys_lgetxattr(uaddr_t u_path, uaddr_t u_name, uaddr_t u_val, size_t size)
{
    long ret = xattr_path(u_path, false);
    return ret ? ret : -ENODATA;
}

long sys_fgetxattr(int fd, uaddr_t u_name, uaddr_t u_val, size_t size)
{
    long ret = xattr_fd(fd);
    return ret ? ret : -ENODATA;
}

long sys_listxattr(uaddr_t u_path, uaddr_t u_list, size_t size)
{
    return xattr_path(u_path, true);
}

long sys_llistxattr(uaddr_t u_path, uaddr_t u_list, size_t size)
{
    return xattr_path(u_path, false);
}

long sys_flistxattr(int fd, uaddr_t u_list, size_t size)
{
    return xattr_fd(fd);
}

long sys_setxattr(uaddr_t u_path, uaddr_t u_name, uaddr_t u_val, size_t size, int flags)
{
    long ret = xattr_path(u_path, true);
    return ret ? ret : -EOPNOTSUPP;
}

long sys_lsetxattr(uaddr_t u_path, uaddr_t u_name, uaddr_t u_val, size_t size, int flags)
{
    long ret = xattr_path(u_path, false);
    return ret ? ret : -EOPNOTSUPP;
}

long sys_fsetxattr(int fd, uaddr_t u_name, uaddr_t u_val, size_t size, int flags)
{
    long ret = xattr_fd(fd);
    return ret ? ret : -EOPNOTSUPP;
}
