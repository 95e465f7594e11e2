/* Unix sockets: the send and receive syscalls (sendto, recvfrom,
 * sendmsg, recvmsg, sendmmsg, recvmmsg) around socket_msg.c.
 *
 * Each copies in and checks the message header, the iovec array, the
 * address and the control data before anything moves; a receive writes
 * back the sender's address, the control data and msg_flags after.
 */
#include "socket_int.h"
#include "sys.h"

#define SOCKADDR_STORAGE 128
#define MAX_RW_COUNT (0x7fffffffl & ~(long)(CORE_PAGE_SIZE - 1))

struct u_mmsghdr {
    struct u_msghdr hdr;
    uint32_t len;
    uint32_t pad;
};

/* Everything one send needs, copied in: 0 or -errno. */
struct send_args {
    struct uio u;
    struct uvec *vec;
    struct usock_addr to;
    bool named;
    struct scm scm;
};

static long mmsg_loop(int fd, uaddr_t u_vec, unsigned vlen, int flags, bool recv);

static void send_args_release(struct send_args *a)
{
    scm_release(&a->scm);
    core_free(a->vec);
}

static int send_args_import(struct usock *s, const struct u_msghdr *mh, struct send_args *a)
{
    memset(a, 0, sizeof(*a));
    if (mh->namelen < 0 || mh->namelen > SOCKADDR_STORAGE)
        return -EINVAL;
    if (mh->controllen > USOCK_OPTMEM_MAX)
        return -ENOBUFS;
    int err = uio_import(&a->u, mh->iov, mh->iovlen, &a->vec);
    if (err)
        return err;
    if (mh->name && mh->namelen) {
        a->named = true;
        if (s->type == SOCK_DGRAM) /* the others never look at it */
            err = usock_addr_from_user(uaddr(mh->name), mh->namelen, &a->to);
    }
    if (!err)
        err = scm_from_user(mh, &a->scm);
    if (err)
        send_args_release(a);
    return err;
}

static long send_one(int fd, const struct u_msghdr *mh, int flags)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    if (!s)
        return err;
    struct send_args a;
    err = send_args_import(s, mh, &a);
    if (err)
        return err;
    const struct usock_addr *to = NULL;
    static const struct usock_addr ignored; /* streams: only "named" counts */
    if (a.named)
        to = s->type == SOCK_DGRAM ? &a.to : &ignored;
    long ret = usock_send(s, fd_get(fd), &a.u, to, &a.scm, flags);
    send_args_release(&a);
    return ret;
}

/* sendto and recvfrom: the socket, and its one user buffer as a walk,
 * clamped and checked as Linux's import_single_range does. */
static struct usock *single_buffer(int fd, uaddr_t u_buf, size_t len, struct uio *u,
                                   struct uvec *v, int *err)
{
    struct usock *s = usock_from_fd(fd, err);
    if (!s)
        return NULL;
    if (len > MAX_RW_COUNT)
        len = MAX_RW_COUNT;
    if (!core_user_range_ok(u_buf, len)) {
        *err = -EFAULT;
        return NULL;
    }
    *v = (struct uvec){u_buf.addr, len};
    *u = (struct uio){.iov = v, .cnt = 1, .total = len};
    return s;
}

long sys_sendto(int fd, uaddr_t u_buf, size_t len, int flags, uaddr_t u_addr, int alen)
{
    int err;
    struct uvec v;
    struct uio u;
    struct usock *s = single_buffer(fd, u_buf, len, &u, &v, &err);
    if (!s)
        return err;
    struct usock_addr to;
    static const struct usock_addr ignored; /* streams: only "named" counts */
    const struct usock_addr *top = NULL;
    if (u_addr.addr && alen) {
        if (alen < 0 || alen > SOCKADDR_STORAGE)
            return -EINVAL;
        top = &ignored;
        if (s->type == SOCK_DGRAM) {
            err = usock_addr_from_user(u_addr, alen, &to);
            if (err)
                return err;
            top = &to;
        }
    }
    return usock_send(s, fd_get(fd), &u, top, NULL, flags);
}

long sys_sendmsg(int fd, uaddr_t u_msg, int flags)
{
    struct u_msghdr mh;
    if (core_copy_from_user(&mh, u_msg, sizeof(mh)))
        return -EFAULT;
    return send_one(fd, &mh, flags);
}

long sys_sendmmsg(int fd, uaddr_t u_vec, unsigned vlen, int flags)
{
    return mmsg_loop(fd, u_vec, vlen, flags, false);
}

/* The sender's name for recvfrom/recvmsg (none: length 0). */
static int recv_name_to_user(const struct urecv *r, uaddr_t u_addr, uaddr_t u_len)
{
    return usock_put_len(&r->from.sa, r->has_from ? r->from.len : 0, u_addr, u_len, true);
}

long sys_recvfrom(int fd, uaddr_t u_buf, size_t len, int flags, uaddr_t u_addr, uaddr_t u_alen)
{
    int err;
    struct uvec v;
    struct uio u;
    struct usock *s = single_buffer(fd, u_buf, len, &u, &v, &err);
    if (!s)
        return err;
    struct urecv r = {0};
    long ret = usock_recv(s, fd_get(fd), &u, flags, &r);
    urecv_drop(&r); /* no control buffer: files are closed */
    if (ret >= 0 && u_addr.addr) {
        err = recv_name_to_user(&r, u_addr, u_alen);
        if (err)
            ret = err;
    }
    return ret;
}

static long recv_one(int fd, uaddr_t u_msg, struct u_msghdr *mh, int flags)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    if (!s)
        return err;
    struct uio u;
    struct uvec *vec;
    err = uio_import(&u, mh->iov, mh->iovlen, &vec);
    if (err)
        return err;
    struct urecv r = {0};
    long ret = usock_recv(s, fd_get(fd), &u, flags, &r);
    core_free(vec);
    if (ret < 0) {
        urecv_drop(&r);
        return ret;
    }
    mh->flags = (uint32_t)(r.flags | (flags & MSG_CMSG_CLOEXEC));
    err = scm_to_user(mh, &r, flags);
    urecv_drop(&r);
    if (!err && mh->name)
        err = recv_name_to_user(&r, uaddr(mh->name),
                                uaddr_add(u_msg, offsetof(struct u_msghdr, namelen)));
    if (!err && (core_copy_to_user(uaddr_add(u_msg, offsetof(struct u_msghdr, flags)),
                                   &mh->flags, sizeof(mh->flags)) ||
                 core_copy_to_user(uaddr_add(u_msg, offsetof(struct u_msghdr, controllen)),
                                   &mh->controllen, sizeof(mh->controllen))))
        err = -EFAULT;
    return err ? err : ret;
}

long sys_recvmsg(int fd, uaddr_t u_msg, int flags)
{
    struct u_msghdr mh;
    if (core_copy_from_user(&mh, u_msg, sizeof(mh)))
        return -EFAULT;
    return recv_one(fd, u_msg, &mh, flags);
}

/* sendmmsg and recvmmsg: one message after another, each one's length
 * written back; the count done, or the first error when none was. */
static long mmsg_loop(int fd, uaddr_t u_vec, unsigned vlen, int flags, bool recv)
{
    int err;
    if (!usock_from_fd(fd, &err))
        return err;
    if (vlen > 1024)
        vlen = 1024;
    unsigned done = 0;
    long ret = 0;
    for (; done < vlen; done++) {
        struct u_mmsghdr mm;
        uaddr_t at = uaddr_add(u_vec, done * sizeof(mm));
        if (core_copy_from_user(&mm, at, sizeof(mm))) {
            ret = -EFAULT;
            break;
        }
        ret = recv ? recv_one(fd, at, &mm.hdr, flags) : send_one(fd, &mm.hdr, flags);
        if (ret < 0)
            break;
        uint32_t n = (uint32_t)ret;
        if (core_copy_to_user(uaddr_add(at, offsetof(struct u_mmsghdr, len)), &n, sizeof(n))) {
            ret = -EFAULT;
            break;
        }
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
    }
    return done ? (long)done : ret;
}

/* The timeout is not kept: a blocking recvmmsg waits for each message
 * as recvmsg would (MSG_WAITFORONE: only for the first). */
long sys_recvmmsg(int fd, uaddr_t u_vec, unsigned vlen, int flags, uaddr_t u_timeout)
{
    return mmsg_loop(fd, u_vec, vlen, flags, true);
}
