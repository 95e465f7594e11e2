/* mica VMM: a test hook that shares a host directory with the guest over
 * virtio-fs, served by an independent server (virtiofsd), for the QEMU
 * engine only.
 *
 * MICA_TEST_VIRTIOFS=DIR:TAG starts virtiofsd on DIR and gives QEMU a
 * vhost-user-fs-device with TAG (the guest mounts it with
 * `mount -t virtiofs TAG /mnt`): it keeps the guest's driver honest
 * against someone else's server. MICA_TEST_VIRTIOFS_SERVER=mica serves
 * the same device with mica's own server instead (qemu_vfsd.c).
 *
 * The vhost-user socket is an abstract Unix socket that mica binds and
 * hands, listening, to virtiofsd (--fd): no file is ever created, so
 * nothing is left behind on any exit path. virtiofsd dies with mica
 * (PR_SET_PDEATHSIG) and is killed and reaped when the run ends; it
 * also ends by itself when QEMU goes. Its messages reach stderr with -v.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_qemu.h"

#define VIRTIOFSD_DEFAULT "/usr/lib/qemu/virtiofsd"

/* Split "DIR:TAG" at the last colon; both must be non-empty. */
static int virtiofs_spec_parse(struct qemu_virtiofs *v, const char *spec,
                               struct mica_error *err)
{
    const char *colon = strrchr(spec, ':');
    struct stat st;

    if (colon == NULL || colon == spec || colon[1] == '\0' ||
        strlen(colon + 1) > 36)
        return mica_error_set(err, EINVAL, "MICA_TEST_VIRTIOFS=%s: expected "
                              "DIR:TAG (a tag of 1 to 36 bytes)", spec);
    v->dir = strndup(spec, (size_t)(colon - spec));
    v->tag = strdup(colon + 1);
    if (v->dir == NULL || v->tag == NULL)
        return mica_error_set(err, ENOMEM, "out of memory");
    if (stat(v->dir, &st) < 0)
        return mica_error_sys(err, errno, "MICA_TEST_VIRTIOFS: %s", v->dir);
    if (!S_ISDIR(st.st_mode))
        return mica_error_set(err, ENOTDIR, "MICA_TEST_VIRTIOFS: %s is not a "
                              "directory", v->dir);
    return 0;
}

/* Bind and listen on "\0mica-virtiofs-PID-IDX"; the name goes to QEMU. */
static int virtiofs_listen(struct qemu_virtiofs *v, struct mica_error *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    socklen_t len;
    int fd;

    snprintf(v->sock_name, sizeof(v->sock_name), "mica-virtiofs-%ld-%u",
             (long)getpid(), v->idx);
    memcpy(sa.sun_path + 1, v->sock_name, strlen(v->sock_name));
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                      strlen(v->sock_name));
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return mica_error_sys(err, errno, "socket");
    if (bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 1) < 0) {
        int e = errno;
        close(fd);
        return mica_error_sys(err, e, "cannot listen on @%s", v->sock_name);
    }
    return fd;
}

static __attribute__((noreturn)) void
virtiofs_child(const struct qemu_virtiofs *v, int lfd, pid_t parent, int verbose)
{
    char fdarg[32], src[4096 + 16];
    const char *bin = getenv("MICA_VIRTIOFSD");
    int null = open("/dev/null", O_RDWR);

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent || null < 0)
        _exit(125);
    setpgid(0, 0); /* ^C reaches mica, which ends the run */
    dup2(null, 0);
    dup2(null, 1);
    if (!verbose)
        dup2(null, 2);
    syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
    fcntl(lfd, F_SETFD, 0);
    snprintf(fdarg, sizeof(fdarg), "--fd=%d", lfd);
    snprintf(src, sizeof(src), "source=%s", v->dir);
    if (bin == NULL || bin[0] == '\0')
        bin = VIRTIOFSD_DEFAULT;
    execl(bin, bin, fdarg, "-o", src, "-o", "cache=auto", "-o",
          verbose ? "log_level=info" : "log_level=err", (char *)NULL);
    _exit(127);
}

/* MICA_TEST_VIRTIOFS_SERVER: "virtiofsd" (the default) or "mica";
 * MICA_TEST_VIRTIOFS_FILTER=world_readable hides what others can't read
 * and MICA_TEST_VIRTIOFS_WRITABLE=1 lets changes through (mica's server
 * only: virtiofsd always writes). */
static int virtiofs_server_pick(struct qemu_virtiofs *v, int lfd,
                                struct mica_error *err)
{
    const char *server = getenv("MICA_TEST_VIRTIOFS_SERVER");
    const char *filter = getenv("MICA_TEST_VIRTIOFS_FILTER");
    const char *writable = getenv("MICA_TEST_VIRTIOFS_WRITABLE");
    unsigned flags = 0;
    int rc;

    if (server == NULL || server[0] == '\0' || strcmp(server, "virtiofsd") == 0)
        return 0;
    if (strcmp(server, "mica") != 0)
        return mica_error_set(err, EINVAL, "MICA_TEST_VIRTIOFS_SERVER=%s: "
                              "expected virtiofsd or mica", server);
    if (filter && strcmp(filter, "world_readable") == 0)
        flags |= VFSD_FILTER_WORLD_READABLE;
    else if (filter && filter[0])
        return mica_error_set(err, EINVAL, "MICA_TEST_VIRTIOFS_FILTER=%s: "
                              "expected world_readable", filter);
    if (writable && strcmp(writable, "1") == 0)
        flags |= VFSD_WRITABLE;
    rc = vfsd_new(&v->srv, v->dir, flags, err);
    if (rc < 0)
        return rc;
    v->writable = !!(flags & VFSD_WRITABLE);
    v->listen_fd = lfd;
    return 0;
}

static void virtiofs_init(struct qemu_virtiofs *v, unsigned idx)
{
    memset(v, 0, sizeof(*v));
    v->pid = -1;
    v->listen_fd = -1;
    v->idx = idx;
}

static void virtiofs_qemu_args(struct qemu_virtiofs *v)
{
    snprintf(v->chardev, sizeof(v->chardev),
             "socket,id=vfs%u,path=%s,abstract=on", v->idx, v->sock_name);
    snprintf(v->device, sizeof(v->device),
             "vhost-user-fs-device,chardev=vfs%u,tag=%s", v->idx, v->tag);
    v->active = 1;
}

int qemu_virtiofs_share(struct qemu_virtiofs *v, unsigned idx,
                        const char *dir, const char *tag, unsigned flags,
                        struct mica_error *err)
{
    int lfd, rc;

    virtiofs_init(v, idx);
    v->dir = strdup(dir);
    v->tag = strdup(tag);
    if (v->dir == NULL || v->tag == NULL)
        return mica_error_set(err, ENOMEM, "out of memory");
    lfd = virtiofs_listen(v, err);
    if (lfd < 0)
        return lfd;
    rc = vfsd_new(&v->srv, v->dir, flags, err);
    if (rc < 0) {
        close(lfd);
        return mica_error_wrap(err, "cannot share %s", dir);
    }
    v->writable = !!(flags & VFSD_WRITABLE);
    v->listen_fd = lfd;
    virtiofs_qemu_args(v);
    return 0;
}

int qemu_virtiofs_start(struct qemu_virtiofs *v, int verbose,
                        struct mica_error *err)
{
    const char *spec = getenv("MICA_TEST_VIRTIOFS");
    pid_t parent = getpid();
    int lfd, rc;

    virtiofs_init(v, 0);
    if (spec == NULL || spec[0] == '\0')
        return 0;
    rc = virtiofs_spec_parse(v, spec, err);
    if (rc < 0)
        return rc;
    lfd = virtiofs_listen(v, err);
    if (lfd < 0)
        return lfd;
    rc = virtiofs_server_pick(v, lfd, err);
    if (rc < 0) {
        close(lfd);
        return rc;
    }
    if (v->srv)
        goto args; /* mica serves it from the event loop (qemu_vfsd.c) */
    v->pid = fork();
    if (v->pid < 0) {
        rc = mica_error_sys(err, errno, "fork");
        close(lfd);
        return rc;
    }
    if (v->pid == 0)
        virtiofs_child(v, lfd, parent, verbose);
    close(lfd); /* virtiofsd holds the listening socket now */
args:
    virtiofs_qemu_args(v);
    return 0;
}

void qemu_virtiofs_stop(struct qemu_virtiofs *v)
{
    if (v->pid > 0) {
        kill(v->pid, SIGKILL);
        while (waitpid(v->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    v->pid = -1;
    v->active = 0;
    if (v->vu_up)
        vhost_user_destroy(&v->vu);
    v->vu_up = 0;
    if (v->listen_fd >= 0)
        close(v->listen_fd);
    v->listen_fd = -1;
    vfsd_free(v->srv);
    v->srv = NULL;
    free(v->dir);
    free(v->tag);
    v->dir = v->tag = NULL;
}
