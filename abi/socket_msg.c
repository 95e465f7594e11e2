/* Unix sockets: sending and receiving data.
 *
 * Stream sends cut the data into messages of at most half the send
 * buffer (36544 bytes at most, as Linux's skbs) and wait while the
 * sender's charge (what it has queued anywhere) is at or over its send
 * buffer; files ride on the first message. Stream receives glue messages until the buffer is full, or
 * (MSG_WAITALL) wait until it is; they stop after a message that carried
 * files, and, with SO_PASSCRED, where the sender's credentials change.
 * Datagram and seqpacket sends are one message, EMSGSIZE when larger than
 * the send buffer allows; a datagram receiver that is not connected back
 * to the sender takes at most max_dgram_qlen + 1 of them.
 */
#include "socket_int.h"

#include <linux/signal.h>

#define UIO_MAXIOV 1024
#define MAX_RW_COUNT (0x7fffffffl & ~(long)(CORE_PAGE_SIZE - 1))
#define STREAM_CHUNK_MAX (USOCK_SKB_MAX_HEAD + USOCK_SKB_FRAGS)

int uio_import(struct uio *u, uint64_t u_iov, uint64_t iovlen, struct uvec **out)
{
    if (iovlen > UIO_MAXIOV)
        return -EMSGSIZE;
    struct uvec *v = core_malloc(iovlen * sizeof(*v) + 1);
    if (!v)
        return -ENOMEM;
    if (core_copy_from_user(v, uaddr(u_iov), iovlen * sizeof(*v))) {
        core_free(v);
        return -EFAULT;
    }
    uint64_t total = 0;
    for (uint64_t i = 0; i < iovlen; i++) {
        if ((int64_t)v[i].len < 0) {
            core_free(v);
            return -EINVAL;
        }
        if (v[i].len > (uint64_t)MAX_RW_COUNT - total)
            v[i].len = (uint64_t)MAX_RW_COUNT - total; /* Linux truncates */
        total += v[i].len;
    }
    *u = (struct uio){.iov = v, .cnt = iovlen, .total = total};
    *out = v;
    return 0;
}

static int uio_copy(struct uio *u, void *kbuf, size_t n, bool to_user)
{
    char *p = kbuf;
    while (n) {
        CORE_BUG_ON(u->idx >= u->cnt);
        const struct uvec *v = &u->iov[u->idx];
        size_t part = v->len - u->off < n ? v->len - u->off : n;
        uaddr_t ua = uaddr(v->base + u->off);
        if (part && (to_user ? core_copy_to_user(ua, p, part)
                             : core_copy_from_user(p, ua, part)))
            return -EFAULT;
        p += part;
        n -= part;
        u->off += part;
        if (u->off == v->len) {
            u->idx++;
            u->off = 0;
        }
    }
    return 0;
}

int uio_copy_from(struct uio *u, void *dst, size_t n)
{
    return uio_copy(u, dst, n, false);
}

int uio_copy_to(struct uio *u, const void *src, size_t n)
{
    return uio_copy(u, (void *)src, n, true);
}

static size_t uio_left(const struct uio *u, size_t done)
{
    return u->total - done;
}

/* A message of len bytes copied from u, charged to s, with scm's files
 * (moved) and credentials (or s's). */
static struct umsg *umsg_make(struct usock *s, struct uio *u, size_t len, struct scm *scm,
                              int *err)
{
    struct umsg *m = core_zalloc(sizeof(*m) + len);
    if (!m) {
        *err = -ENOMEM;
        return NULL;
    }
    if (uio_copy_from(u, m->data, len)) {
        core_free(m);
        *err = -EFAULT;
        return NULL;
    }
    m->len = (uint32_t)len;
    m->charge = usock_truesize(len, s->type == SOCK_STREAM);
    usock_get(s);
    m->from = s;
    usock_cred_self(&m->cred, false);
    if (scm)
        scm_attach(scm, m);
    return m;
}

static long send_pipe_error(size_t sent, int flags)
{
    if (!sent && !(flags & MSG_NOSIGNAL))
        signal_send(abi_proc, SIGPIPE, NULL);
    return sent ? (long)sent : -EPIPE;
}

static long send_stream(struct usock *s, struct file *f, struct uio *u, bool named,
                        struct scm *scm, int flags)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (named)
        return s->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
    if (!s->peer || s->state != US_CONNECTED)
        return -ENOTCONN;
    if (s->shut & SEND_SHUTDOWN)
        return send_pipe_error(0, flags);
    bool nonblock = (flags & MSG_DONTWAIT) || (f->flags & O_NONBLOCK);
    uint64_t deadline = usock_deadline(s->sndtimeo);
    size_t sent = 0;
    int err = 0;
    while (uio_left(u, sent)) {
        struct usock *o = s->peer;
        if (!o || o->dead || (o->shut & RCV_SHUTDOWN) || (s->shut & SEND_SHUTDOWN))
            return send_pipe_error(sent, flags);
        if (s->wmem >= s->sndbuf) {
            err = nonblock ? -EAGAIN : usock_sleep(&s->wait, deadline);
            if (err)
                break;
            continue;
        }
        size_t max = s->sndbuf / 2 - 64, n = uio_left(u, sent);
        if (max > STREAM_CHUNK_MAX)
            max = STREAM_CHUNK_MAX;
        if (n > max)
            n = max;
        struct umsg *m = umsg_make(s, u, n, scm, &err);
        if (!m)
            break;
        usock_enqueue(o, m);
        sent += n;
    }
    return sent ? (long)sent : err;
}

/* The destination of a datagram: referenced, or NULL and *err. */
static struct usock *dgram_target(struct usock *s, const struct usock_addr *to, int *err)
{
    struct usock *o;
    if (to) {
        o = usock_lookup(to, s->type, err);
        if (!o)
            return NULL;
    } else {
        o = s->peer;
        if (!o) {
            *err = -ENOTCONN;
            return NULL;
        }
        usock_get(o);
    }
    if (o->dead) { /* the peer is gone: forget it, once */
        *err = -ECONNREFUSED;
        if (s->peer == o) {
            usock_set_peer(s, NULL);
            s->state = US_UNCONNECTED;
        }
        usock_put(o);
        return NULL;
    }
    return o;
}

static long send_dgram(struct usock *s, struct file *f, struct uio *u, const struct usock_addr *to,
                       struct scm *scm, int flags)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (s->type == SOCK_SEQPACKET) {
        if (s->err) {
            int e = s->err;
            s->err = 0;
            return -e;
        }
        if (s->state != US_CONNECTED)
            return -ENOTCONN;
        to = NULL;
    }
    if (!to && !s->peer)
        return -ENOTCONN;
    int err;
    if (s->passcred && (err = usock_autobind(s)))
        return err;
    size_t len = u->total;
    if (len > s->sndbuf - 32)
        return -EMSGSIZE;
    if (s->shut & SEND_SHUTDOWN)
        return -EPIPE;
    bool nonblock = (flags & MSG_DONTWAIT) || (f->flags & O_NONBLOCK);
    uint64_t deadline = usock_deadline(s->sndtimeo);
    while (s->wmem >= s->sndbuf) {
        err = nonblock ? -EAGAIN : usock_sleep(&s->wait, deadline);
        if (err)
            return err;
    }
    struct umsg *m = umsg_make(s, u, len, NULL, &err);
    if (!m)
        return err;
    for (;;) {
        struct usock *o = dgram_target(s, to, &err);
        if (!o)
            break;
        err = 0;
        if (o->shut & RCV_SHUTDOWN)
            err = -EPIPE;
        else if (s->type == SOCK_DGRAM && o->peer && o->peer != s)
            err = -EPERM;
        else if (o != s && o->peer != s && o->qlen > o->backlog)
            err = nonblock ? -EAGAIN : usock_sleep(&o->peer_wait, deadline);
        else {
            if (scm)
                scm_attach(scm, m);
            usock_enqueue(o, m);
            usock_put(o);
            return (long)len;
        }
        usock_put(o);
        if (err)
            break;
    }
    m->charge = 0; /* never queued, never charged */
    umsg_free(m);
    return err;
}

/* The file is held across the call: a sleep may outlast its descriptor
 * (another thread's close), and then the release comes at the end. */
long usock_send(struct usock *s, struct file *f, struct uio *u, const struct usock_addr *to,
                struct scm *scm, int flags)
{
    file_get(f);
    long ret = s->type == SOCK_STREAM ? send_stream(s, f, u, to != NULL, scm, flags)
                                      : send_dgram(s, f, u, to, scm, flags);
    file_put(f);
    return ret;
}

/* Files of m for the receiver: moved, or (peek) new references. */
static void recv_take_files(struct umsg *m, struct urecv *r, bool peek)
{
    if (!m->nfiles || r->nfiles)
        return;
    if (!peek) {
        r->files = m->files;
        r->nfiles = m->nfiles;
        m->files = NULL;
        m->nfiles = 0;
        return;
    }
    r->files = core_malloc(m->nfiles * sizeof(*r->files));
    if (!r->files)
        return; /* a peek without the files: they stay with the message */
    for (uint32_t i = 0; i < m->nfiles; i++) {
        file_get(m->files[i]);
        r->files[i] = m->files[i];
    }
    r->nfiles = m->nfiles;
}

void urecv_drop(struct urecv *r)
{
    for (uint32_t i = 0; i < r->nfiles; i++)
        file_put(r->files[i]);
    core_free(r->files);
    r->files = NULL;
    r->nfiles = 0;
}

/* Wait for something in the queue: 0, 1 for end of file, or -errno. */
static int recv_wait(struct usock *s, bool nonblock, uint64_t deadline)
{
    if (s->err) {
        int e = s->err;
        s->err = 0;
        return -e;
    }
    if (s->shut & RCV_SHUTDOWN)
        return 1;
    return nonblock ? -EAGAIN : usock_sleep(&s->wait, deadline);
}

static long recv_dgram(struct usock *s, struct uio *u, int flags, bool nonblock,
                       struct urecv *r)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (s->type == SOCK_SEQPACKET && s->state != US_CONNECTED)
        return -ENOTCONN;
    uint64_t deadline = usock_deadline(s->rcvtimeo);
    while (!s->head) {
        int w = recv_wait(s, nonblock, deadline);
        if (w)
            return w > 0 ? 0 : w;
    }
    struct umsg *m = s->head;
    size_t n = m->len < u->total ? m->len : u->total;
    if (uio_copy_to(u, m->data, n))
        return -EFAULT;
    if (m->len > u->total)
        r->flags |= MSG_TRUNC;
    if (m->from && m->from->addr) {
        r->from = *m->from->addr;
        r->has_from = true;
    }
    if (s->passcred) {
        r->cred = m->cred;
        r->has_cred = true;
    }
    recv_take_files(m, r, flags & MSG_PEEK);
    long ret = (flags & MSG_TRUNC) ? (long)m->len : (long)n;
    if (!(flags & MSG_PEEK))
        umsg_free(usock_dequeue(s));
    return ret;
}

static long recv_stream(struct usock *s, struct uio *u, int flags, bool nonblock,
                        struct urecv *r)
{
    if (s->state != US_CONNECTED || (flags & MSG_OOB))
        return -EINVAL;
    bool peek = flags & MSG_PEEK;
    size_t want = u->total, copied = 0;
    size_t target = (flags & MSG_WAITALL) ? want : 1;
    uint64_t deadline = usock_deadline(s->rcvtimeo);
    long err = 0;
    while (copied < want) {
        struct umsg *m = s->head;
        size_t skip = peek ? copied : 0;
        while (m && skip >= m->len - m->off) {
            skip -= m->len - m->off;
            m = m->next;
        }
        if (!m) {
            if (copied >= target)
                break;
            int w = recv_wait(s, nonblock, deadline);
            if (w) {
                err = w > 0 ? 0 : w;
                break;
            }
            continue;
        }
        if (r->has_cred && memcmp(&m->cred, &r->cred, sizeof(r->cred)))
            break; /* never glue data of different senders */
        if (!r->has_cred && s->passcred) {
            r->cred = m->cred;
            r->has_cred = true;
        }
        size_t n = m->len - m->off - skip;
        if (n > want - copied)
            n = want - copied;
        if (uio_copy_to(u, m->data + m->off + skip, n)) {
            err = -EFAULT;
            break;
        }
        copied += n;
        bool files = m->nfiles != 0;
        recv_take_files(m, r, peek);
        if (!peek) {
            m->off += (uint32_t)n;
            s->qbytes -= n;
            if (m->off < m->len)
                break;
            umsg_free(usock_dequeue(s));
        }
        if (files)
            break;
    }
    return copied ? (long)copied : err;
}

long usock_recv(struct usock *s, struct file *f, struct uio *u, int flags, struct urecv *r)
{
    bool nonblock = (flags & MSG_DONTWAIT) || (f->flags & O_NONBLOCK);
    file_get(f);
    long ret = s->type == SOCK_STREAM ? recv_stream(s, u, flags, nonblock, r)
                                      : recv_dgram(s, u, flags, nonblock, r);
    file_put(f);
    return ret;
}
