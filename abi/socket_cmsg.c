/* Unix sockets: control messages (SCM_RIGHTS, SCM_CREDENTIALS).
 *
 * sendmsg's control buffer is copied in whole (at most optmem_max bytes)
 * and parsed as Linux parses it: headers that do not fit are EINVAL,
 * other levels are skipped, unknown types are EINVAL, at most 253 files
 * in all; credentials must be the sender's own unless it is root (which
 * may name any live process). recvmsg writes credentials, then files:
 * as many as fit become new descriptors, the rest are closed and the
 * message is flagged MSG_CTRUNC.
 */
#include "socket_int.h"

static int scm_add_files(struct scm *scm, const int *fds, uint32_t n)
{
    if (scm->nfiles + n > SCM_MAX_FD)
        return -EINVAL;
    struct file **all = core_realloc(scm->files, (scm->nfiles + n) * sizeof(*all));
    if (!all)
        return -ENOMEM;
    scm->files = all;
    for (uint32_t i = 0; i < n; i++) {
        struct file *f = fd_get(fds[i]);
        if (!f || (f->flags & O_PATH))
            return -EBADF;
        file_get(f);
        scm->files[scm->nfiles++] = f;
    }
    return 0;
}

static int scm_check_cred(const struct u_ucred *c)
{
    struct process *p = abi_proc;
    bool root = p->euid == 0;
    if (c->pid != p->pid && !(root && proc_find(c->pid)))
        return root ? -ESRCH : -EPERM;
    if (!root && c->uid != p->ruid && c->uid != p->euid && c->uid != p->suid)
        return -EPERM;
    if (!root && c->gid != p->rgid && c->gid != p->egid && c->gid != p->sgid)
        return -EPERM;
    return 0;
}

static int scm_parse(const char *buf, size_t len, struct scm *scm)
{
    size_t at = 0;
    while (len - at >= CMSG_HDR_LEN) {
        struct u_cmsghdr h;
        memcpy(&h, buf + at, sizeof(h));
        if (h.len < CMSG_HDR_LEN || h.len > len - at)
            return -EINVAL;
        const char *data = buf + at + CMSG_HDR_LEN;
        size_t dlen = h.len - CMSG_HDR_LEN;
        int err = 0;
        if (h.level != SOL_SOCKET) {
            /* not ours: skipped */
        } else if (h.type == SCM_RIGHTS) {
            int fds[SCM_MAX_FD];
            size_t n = dlen / sizeof(int);
            if (n > SCM_MAX_FD)
                return -EINVAL;
            memcpy(fds, data, n * sizeof(int));
            err = scm_add_files(scm, fds, (uint32_t)n);
        } else if (h.type == SCM_CREDENTIALS) {
            if (dlen != sizeof(struct u_ucred))
                return -EINVAL;
            memcpy(&scm->cred, data, sizeof(scm->cred));
            err = scm_check_cred(&scm->cred);
            scm->has_cred = !err;
        } else {
            return -EINVAL;
        }
        if (err)
            return err;
        at += CMSG_ALIGN8(h.len);
        if (at > len)
            break;
    }
    return 0;
}

int scm_from_user(const struct u_msghdr *mh, struct scm *scm)
{
    memset(scm, 0, sizeof(*scm));
    if (mh->controllen < CMSG_HDR_LEN)
        return 0;
    char *buf = core_malloc(mh->controllen);
    if (!buf)
        return -ENOMEM;
    int err = -EFAULT;
    if (!core_copy_from_user(buf, uaddr(mh->control), mh->controllen))
        err = scm_parse(buf, mh->controllen, scm);
    core_free(buf);
    if (err)
        scm_release(scm);
    return err;
}

void scm_release(struct scm *scm)
{
    for (uint32_t i = 0; i < scm->nfiles; i++)
        file_put(scm->files[i]);
    core_free(scm->files);
    scm->files = NULL;
    scm->nfiles = 0;
}

void scm_attach(struct scm *scm, struct umsg *m)
{
    if (scm->has_cred)
        m->cred = scm->cred;
    if (!scm->nfiles)
        return;
    m->files = scm->files;
    m->nfiles = scm->nfiles;
    scm->files = NULL;
    scm->nfiles = 0;
}

/* One control message, as Linux's put_cmsg: truncated (MSG_CTRUNC) when
 * it does not fit. *used grows by its aligned size. */
static int put_cmsg(struct u_msghdr *mh, size_t *used, int type, const void *data, size_t len)
{
    size_t room = mh->controllen - *used;
    if (!mh->control || room < CMSG_HDR_LEN) {
        mh->flags |= MSG_CTRUNC;
        return 0;
    }
    size_t cmlen = CMSG_HDR_LEN + len;
    if (room < cmlen) {
        mh->flags |= MSG_CTRUNC;
        cmlen = room;
    }
    struct u_cmsghdr h = {.len = cmlen, .level = SOL_SOCKET, .type = type};
    uaddr_t at = uaddr(mh->control + *used);
    if (core_copy_to_user(at, &h, sizeof(h)) ||
        core_copy_to_user(uaddr_add(at, sizeof(h)), data, cmlen - sizeof(h)))
        return -EFAULT;
    size_t space = CMSG_HDR_LEN + CMSG_ALIGN8(len);
    *used += space < room ? space : room;
    return 0;
}

int scm_to_user(struct u_msghdr *mh, struct urecv *r, int flags)
{
    size_t used = 0;
    int err = 0;
    if (r->has_cred)
        err = put_cmsg(mh, &used, SCM_CREDENTIALS, &r->cred, sizeof(r->cred));
    if (!err && r->nfiles) {
        size_t room = mh->control ? mh->controllen - used : 0;
        uint32_t fit = room > CMSG_HDR_LEN ? (uint32_t)((room - CMSG_HDR_LEN) / sizeof(int)) : 0;
        if (fit > r->nfiles)
            fit = r->nfiles;
        int fds[SCM_MAX_FD];
        uint32_t i = 0;
        for (; i < fit; i++) {
            int fd = fd_install(r->files[i], 0, flags & MSG_CMSG_CLOEXEC);
            if (fd < 0)
                break;
            r->files[i] = NULL; /* the table has it now */
            fds[i] = fd;
        }
        if (i)
            err = put_cmsg(mh, &used, SCM_RIGHTS, fds, i * sizeof(int));
        if (i < r->nfiles)
            mh->flags |= MSG_CTRUNC;
        for (uint32_t j = i; j < r->nfiles; j++)
            file_put(r->files[j]);
        core_free(r->files);
        r->files = NULL;
        r->nfiles = 0;
    }
    mh->controllen = used;
    return err;
}
