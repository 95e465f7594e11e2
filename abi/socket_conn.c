/* Unix sockets: bind, listen, connect, accept, names and shutdown.
 *
 * A stream or seqpacket connect makes the server's side at once (the
 * "embryo"), connected to the client, and queues it on the listener; the
 * client is connected from then on and may write before the accept,
 * which only hands the embryo a file. A full backlog (more than `backlog`
 * waiting) makes connect wait on the listener's peer_wait, or EAGAIN. A
 * datagram connect only sets the default destination (AF_UNSPEC clears
 * it).
 */
#include "socket_int.h"
#include "sys.h"

long sys_bind(int fd, uaddr_t u_addr, int len)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    if (!s)
        return err;
    struct usock_addr a;
    err = usock_addr_from_user(u_addr, len, &a);
    if (err)
        return err;
    if (a.len == sizeof(a.sa.sun_family))
        return usock_autobind(s);
    return usock_bind_addr(s, &a);
}

long sys_listen(int fd, int backlog)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    if (!s)
        return err;
    if (s->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (!s->addr || s->state == US_CONNECTED)
        return -EINVAL;
    if ((unsigned)backlog > USOCK_SOMAXCONN)
        backlog = USOCK_SOMAXCONN;
    if ((unsigned)backlog > s->backlog)
        core_wake_all(&s->peer_wait); /* connectors may now fit */
    s->backlog = (uint32_t)backlog;
    s->state = US_LISTENING;
    usock_cred_self(&s->peercred, true);
    return 0;
}

static long connect_dgram(struct usock *s, const struct usock_addr *a)
{
    if (a->sa.sun_family == AF_UNSPEC) {
        usock_set_peer(s, NULL);
        s->state = US_UNCONNECTED;
        return 0;
    }
    int err = 0;
    if (s->passcred && (err = usock_autobind(s)))
        return err;
    struct usock *o = usock_lookup(a, s->type, &err);
    if (!o)
        return err;
    usock_set_peer(s, o);
    s->state = US_CONNECTED;
    return 0;
}

/* The server side of a new connection from s to listener l. */
static struct umsg *connect_embryo(struct usock *s, struct usock *l)
{
    struct umsg *m = core_zalloc(sizeof(*m));
    struct usock *n = usock_new(s->type, s->protocol);
    struct usock_addr *addr = core_malloc(sizeof(*addr));
    if (!m || !n || !addr) {
        core_free(m);
        core_free(n);
        core_free(addr);
        return NULL;
    }
    *addr = *l->addr;
    n->addr = addr;
    n->state = US_CONNECTED;
    n->sndbuf = l->sndbuf;
    n->rcvbuf = l->rcvbuf;
    n->passcred = l->passcred;
    usock_cred_self(&n->peercred, true);
    usock_get(s);
    n->peer = s;
    m->embryo = n;
    return m;
}

/* The order of checks is Linux's: the name, the listener, its backlog,
 * and only then this socket's own state. */
static long connect_stream(struct usock *s, struct file *f, const struct usock_addr *a)
{
    uint64_t deadline = usock_deadline(s->sndtimeo);
    int err = 0;
    if (s->passcred && (err = usock_autobind(s)))
        return err;
    for (;;) {
        struct usock *l = usock_lookup(a, s->type, &err);
        if (!l)
            return err;
        if (l->state != US_LISTENING || (l->shut & RCV_SHUTDOWN)) {
            usock_put(l);
            return -ECONNREFUSED;
        }
        if (l->qlen > l->backlog) {
            err = -EAGAIN;
            if (!(f->flags & O_NONBLOCK))
                err = usock_sleep(&l->peer_wait, deadline);
            usock_put(l);
            if (err)
                return err;
            continue; /* look again: the listener may be gone */
        }
        if (s->state != US_UNCONNECTED) {
            usock_put(l);
            return s->state == US_CONNECTED ? -EISCONN : -EINVAL;
        }
        struct umsg *m = connect_embryo(s, l);
        if (!m) {
            usock_put(l);
            return -ENOMEM;
        }
        usock_get(m->embryo);
        s->peer = m->embryo;
        s->state = US_CONNECTED;
        s->peercred = l->peercred;
        usock_enqueue(l, m);
        usock_put(l);
        return 0;
    }
}

long sys_connect(int fd, uaddr_t u_addr, int len)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    if (!s)
        return err;
    struct usock_addr a;
    if (s->type == SOCK_DGRAM && len >= 2) {
        uint16_t family;
        if (core_copy_from_user(&family, u_addr, sizeof(family)))
            return -EFAULT;
        if (family == AF_UNSPEC) {
            a.sa.sun_family = AF_UNSPEC;
            return connect_dgram(s, &a);
        }
    }
    err = usock_addr_from_user(u_addr, len, &a);
    if (err)
        return err;
    if (a.len == sizeof(a.sa.sun_family))
        return -EINVAL;
    if (s->type == SOCK_DGRAM)
        return connect_dgram(s, &a);
    struct file *f = fd_get(fd);
    file_get(f); /* held across sleeps, as in socket_msg.c */
    long ret = connect_stream(s, f, &a);
    file_put(f);
    return ret;
}

long sys_accept4(int fd, uaddr_t u_addr, uaddr_t u_len, int flags)
{
    int err;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return -EINVAL; /* before the descriptor, as Linux checks */
    struct usock *l = usock_from_fd(fd, &err);
    if (!l)
        return err;
    if (l->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (l->state != US_LISTENING)
        return -EINVAL;
    struct file *lf = fd_get(fd);
    uint64_t deadline = usock_deadline(l->rcvtimeo);
    file_get(lf); /* held across sleeps, as in socket_msg.c */
    err = 0;
    while (!l->head && !err) {
        err = (lf->flags & O_NONBLOCK) ? -EAGAIN : usock_sleep(&l->wait, deadline);
        if (!err && (l->state != US_LISTENING || l->dead))
            err = -EINVAL;
    }
    file_put(lf);
    if (err)
        return err;
    struct usock *n = l->head->embryo;
    struct file *f = usock_file(n, (uint32_t)flags);
    if (!f)
        return -ENOMEM;
    struct umsg *m = usock_dequeue(l);
    m->embryo = NULL; /* its reference moves to the file */
    umsg_free(m);
    int nfd = fd_install(f, 0, flags & SOCK_CLOEXEC);
    if (nfd < 0) {
        file_put(f); /* closes the connection */
        return nfd;
    }
    if (u_addr.addr) {
        struct usock *c = n->peer;
        err = usock_addr_to_user(c ? c->addr : NULL, u_addr, u_len);
        if (err) {
            if (fd_close(nfd))
                CORE_BUG_ON(1);
            return err;
        }
    }
    return nfd;
}

long sys_accept(int fd, uaddr_t u_addr, uaddr_t u_len)
{
    return sys_accept4(fd, u_addr, u_len, 0);
}

long sys_getsockname(int fd, uaddr_t u_addr, uaddr_t u_len)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    if (!s)
        return err;
    return usock_addr_to_user(s->addr, u_addr, u_len);
}

long sys_getpeername(int fd, uaddr_t u_addr, uaddr_t u_len)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    if (!s)
        return err;
    if (!s->peer || s->state != US_CONNECTED)
        return -ENOTCONN;
    return usock_addr_to_user(s->peer->addr, u_addr, u_len);
}

long sys_shutdown(int fd, int how)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    if (!s)
        return err;
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    uint8_t mode = (uint8_t)(how + 1); /* RCV_SHUTDOWN, SEND_SHUTDOWN or both */
    s->shut |= mode;
    core_wake_all(&s->wait);
    struct usock *o = s->peer;
    if (o && s->type != SOCK_DGRAM) {
        uint8_t mirror = (uint8_t)(((mode & RCV_SHUTDOWN) ? SEND_SHUTDOWN : 0) |
                                   ((mode & SEND_SHUTDOWN) ? RCV_SHUTDOWN : 0));
        o->shut |= mirror;
        core_wake_all(&o->wait);
    }
    return 0;
}
