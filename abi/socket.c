/* Unix-domain sockets: the socket object, its file kind (read, write,
 * poll, ioctl, release), socket and socketpair.
 *
 * See socket_int.h for the model. Releasing a socket's file closes it:
 * the name goes, a connected peer sees the hang-up (and ECONNRESET if
 * data was left unread here), a listener's pending connections are
 * closed, and the receive queue is freed. Freeing a message can release
 * files in flight, which can be sockets with queues of their own: those
 * frees are queued and run one after another, never nested, so a chain
 * of sockets in flight cannot exhaust the kernel stack.
 */
#include "socket_int.h"
#include "sys.h"

#include <core/time.h>
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <asm/sockios.h>
#include <linux/signal.h>

#define POLLRDHUP 0x2000

void usock_get(struct usock *s)
{
    s->refs++;
}

void usock_put(struct usock *s)
{
    if (!s)
        return;
    CORE_BUG_ON(s->refs == 0);
    if (--s->refs)
        return;
    CORE_BUG_ON(s->head || s->peer || s->name_ino);
    usock_gc_track(s, false);
    core_free(s->addr);
    core_free(s);
}

struct usock *usock_new(int type, int protocol)
{
    struct usock *s = core_zalloc(sizeof(*s));
    if (!s)
        return NULL;
    s->refs = 1;
    s->type = type;
    s->protocol = protocol;
    s->sndbuf = s->rcvbuf = USOCK_BUF_DEFAULT;
    s->backlog = type == SOCK_DGRAM ? USOCK_MAX_DGRAM_QLEN : 0;
    s->peercred = (struct u_ucred){0, (uint32_t)-1, (uint32_t)-1};
    usock_gc_track(s, true);
    return s;
}

void usock_cred_self(struct u_ucred *c, bool effective)
{
    c->pid = abi_proc->pid;
    c->uid = effective ? abi_proc->euid : abi_proc->ruid;
    c->gid = effective ? abi_proc->egid : abi_proc->rgid;
}

static void usock_relay(struct core_waiter *w)
{
    struct usock *s = (struct usock *)((char *)w - offsetof(struct usock, relay));
    core_wake_all(&s->wait);
}

void usock_set_peer(struct usock *s, struct usock *o)
{
    if (s->relay_on) {
        core_waiter_remove(&s->relay_on->peer_wait, &s->relay);
        s->relay_on = NULL;
    }
    struct usock *old = s->peer;
    s->peer = o;
    usock_put(old);
}

/* Linux's kmalloc size for n bytes: its 96 and 192 byte caches, else a
 * power of two. */
static size_t kmalloc_size(size_t n)
{
    size_t sz = 32;
    if (n > 64 && n <= 96)
        return 96;
    if (n > 128 && n <= 192)
        return 192;
    while (sz < n)
        sz <<= 1;
    return sz;
}

/* Linux's skb truesize for a message of len bytes, which is what
 * SIOCOUTQ shows and what the send buffer limits: the sk_buff (256), a
 * kmalloc'd head for the linear part plus its shared info (320), and
 * whole pages for the part a stream send puts in page fragments (all
 * but the 3776 bytes that fit a one-page head). Large datagrams are
 * approximated by their length plus a kilobyte. */
uint32_t usock_truesize(size_t len, bool stream)
{
    size_t linear = len, pages = 0;
    if (stream && len > USOCK_SKB_MAX_HEAD) {
        pages = CORE_ALIGN_UP(len - USOCK_SKB_MAX_HEAD, CORE_PAGE_SIZE);
        linear = len > pages ? len - pages : 0;
    } else if (!stream && len > USOCK_SKB_MAX_ALLOC) {
        return (uint32_t)(len + 1024);
    }
    return (uint32_t)(256 + kmalloc_size(CORE_ALIGN_UP(linear, 64) + 320) + pages);
}

bool usock_writable(const struct usock *s)
{
    return s->state != US_LISTENING && (s->wmem << 2) <= s->sndbuf;
}

/* ---- message queues ---- */

void usock_enqueue(struct usock *r, struct umsg *m)
{
    m->next = NULL;
    if (r->tail)
        r->tail->next = m;
    else
        r->head = m;
    r->tail = m;
    r->qlen++;
    r->qbytes += m->len;
    usock_gc_inflight(m, true);
    if (m->from)
        m->from->wmem += m->charge;
    core_wake_all(&r->wait);
}

struct umsg *usock_dequeue(struct usock *s)
{
    struct umsg *m = s->head;
    if (!m)
        return NULL;
    s->head = m->next;
    if (!s->head)
        s->tail = NULL;
    s->qlen--;
    s->qbytes -= m->len - m->off;
    usock_gc_inflight(m, false);
    m->next = NULL;
    core_wake_all(&s->peer_wait); /* room for senders and connectors */
    return m;
}

static struct umsg *reap_list;
static bool reaping;

static void usock_close(struct usock *s, bool embryo);

static void umsg_free_now(struct umsg *m)
{
    if (m->from) {
        m->from->wmem -= m->charge;
        core_wake_all(&m->from->wait);
        usock_put(m->from);
    }
    for (uint32_t i = 0; i < m->nfiles; i++)
        file_put(m->files[i]);
    core_free(m->files);
    if (m->embryo) {
        usock_close(m->embryo, true); /* never accepted */
        usock_put(m->embryo);
    }
    core_free(m);
}

void umsg_free(struct umsg *m)
{
    m->next = reap_list;
    reap_list = m;
    if (reaping)
        return;
    reaping = true;
    while ((m = reap_list)) {
        reap_list = m->next;
        umsg_free_now(m);
    }
    reaping = false;
}

/* The socket is closed: by its file's release, or, for a connection
 * never accepted (embryo), by its listener's. */
static void usock_close(struct usock *s, bool embryo)
{
    struct usock *peer = s->peer;
    bool unread = s->head != NULL;
    s->dead = true;
    s->shut = SHUTDOWN_MASK;
    usock_unbind(s);
    if (peer) {
        if (s->type != SOCK_DGRAM) {
            peer->shut = SHUTDOWN_MASK;
            if (unread || embryo)
                peer->err = ECONNRESET;
            core_wake_all(&peer->wait);
        }
        usock_set_peer(s, NULL);
    }
    struct umsg *m;
    while ((m = usock_dequeue(s)))
        umsg_free(m);
    core_wake_all(&s->wait);
    core_wake_all(&s->peer_wait);
}

/* ---- the file kind ---- */

/* read and write: a receive or send without address or control data
 * (files that arrive are closed, as Linux does). */
static ssize_t usock_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct uvec iov = {u_buf.addr, len};
    struct uio u = {.iov = &iov, .cnt = 1, .total = len};
    struct urecv r = {0};
    long ret = usock_recv(f->priv, f, &u, 0, &r);
    urecv_drop(&r);
    return ret;
}

static ssize_t usock_write(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct uvec iov = {u_buf.addr, len};
    struct uio u = {.iov = &iov, .cnt = 1, .total = len};
    return usock_send(f->priv, f, &u, NULL, NULL, 0);
}

static unsigned usock_poll(struct file *f, struct poll_table *pt)
{
    struct usock *s = f->priv;
    unsigned mask = 0;
    poll_wait(pt, &s->wait);
    if (s->err)
        mask |= POLLERR;
    if (s->shut == SHUTDOWN_MASK)
        mask |= POLLHUP;
    if (s->shut & RCV_SHUTDOWN)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (s->head)
        mask |= POLLIN | POLLRDNORM;
    if (s->type != SOCK_DGRAM && s->state == US_UNCONNECTED)
        mask |= POLLHUP;
    bool writable = usock_writable(s);
    if (s->type == SOCK_SEQPACKET && s->state == US_LISTENING)
        writable = false;
    struct usock *o = s->peer;
    if (s->type == SOCK_DGRAM && o && o->peer != s && o->qlen > o->backlog) {
        writable = false;
        /* room in o's queue must wake this socket's pollers: a waiter
         * of theirs on o could outlive o once s is connected elsewhere */
        if (!s->relay_on) {
            core_waiter_add_callback(&o->peer_wait, &s->relay, usock_relay);
            s->relay_on = o;
        }
    }
    if (writable)
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

static long usock_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    struct usock *s = f->priv;
    int n;
    switch (cmd) {
    case FIONREAD: /* SIOCINQ */
        if (s->state == US_LISTENING)
            return -EINVAL;
        if (s->type == SOCK_DGRAM)
            n = s->head ? (int)s->head->len : 0;
        else
            n = (int)s->qbytes;
        break;
    case TIOCOUTQ: /* SIOCOUTQ */
        if (s->state == US_LISTENING)
            return -EINVAL;
        n = (int)s->wmem;
        break;
    default:
        return -ENOTTY;
    }
    return core_copy_to_user(uaddr(arg), &n, sizeof(n)) ? -EFAULT : 0;
}

static void usock_release(struct file *f)
{
    struct usock *s = f->priv;
    s->file = NULL;
    usock_close(s, false);
    usock_put(s);
    f->inode->nlink = 0; /* file_put's inode_put frees it */
    usock_gc();
}

const struct file_ops usock_ops = {
    .read = usock_read,
    .write = usock_write,
    .ioctl = usock_ioctl,
    .poll = usock_poll,
    .release = usock_release,
    .seekable = false,
};

struct file *usock_file(struct usock *s, uint32_t flags)
{
    struct inode *ino = inode_new(S_IFSOCK | 0777);
    if (!ino)
        return NULL;
    ino->fops = &usock_ops;
    struct file *f = file_new(ino, O_RDWR | (flags & O_NONBLOCK));
    if (!f) {
        inode_get(ino);
        ino->nlink = 0;
        inode_put(ino);
        return NULL;
    }
    f->priv = s;
    s->inode = ino;
    s->file = f;
    return f;
}

struct usock *usock_from_fd(int fd, int *err)
{
    struct file *f = fd_get(fd);
    if (!f || (f->flags & O_PATH)) {
        *err = -EBADF;
        return NULL;
    }
    if (f->ops != &usock_ops) {
        *err = -ENOTSOCK;
        return NULL;
    }
    return f->priv;
}

uint64_t usock_deadline(uint64_t ticks)
{
    if (!ticks)
        return 0;
    return core_time_monotonic_ns() + ticks * (1000000000ull / USOCK_HZ);
}

int usock_sleep(struct core_waitq *q, uint64_t deadline)
{
    int intr = deadline ? -EINTR : -ERESTARTSYS;
    if (signal_pending())
        return intr;
    int r = core_wait(q, deadline, true);
    if (r == -ETIMEDOUT)
        return -EAGAIN;
    return r == -EINTR ? intr : 0;
}

/* ---- socket, socketpair ---- */

static int usock_check_args(int domain, int type, int protocol, int *base)
{
    int flags = type & ~SOCK_TYPE_MASK;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return -EINVAL;
    if (domain < 0 || domain >= AF_MAX)
        return -EAFNOSUPPORT;
    type &= SOCK_TYPE_MASK;
    if (type >= SOCK_MAX)
        return -EINVAL;
    if (domain != AF_UNIX)
        return -EAFNOSUPPORT; /* networking is not here yet */
    if (protocol && protocol != AF_UNIX)
        return -EPROTONOSUPPORT;
    if (type == SOCK_RAW)
        type = SOCK_DGRAM; /* as Linux does for AF_UNIX */
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
        return -ESOCKTNOSUPPORT;
    *base = type;
    return 0;
}

/* A new socket with its file: 0 or -ENOMEM. */
static int usock_open(int type, int protocol, int flags, struct file **out)
{
    usock_gc(); /* cycles closed since the last release go before new sockets come */
    struct usock *s = usock_new(type, protocol);
    struct file *f = s ? usock_file(s, (uint32_t)flags) : NULL;
    if (!f) {
        usock_put(s);
        return -ENOMEM;
    }
    *out = f;
    return 0;
}

long sys_socket(int domain, int type, int protocol)
{
    int base;
    long ret = usock_check_args(domain, type, protocol, &base);
    if (ret)
        return ret;
    struct file *f;
    ret = usock_open(base, protocol, type, &f);
    if (ret)
        return ret;
    ret = fd_install(f, 0, type & SOCK_CLOEXEC);
    if (ret < 0)
        file_put(f);
    return ret;
}

long sys_socketpair(int domain, int type, int protocol, uaddr_t u_sv)
{
    int base;
    long ret = usock_check_args(domain, type, protocol, &base);
    if (ret)
        return ret;
    struct file *a, *b;
    ret = usock_open(base, protocol, type, &a);
    if (ret)
        return ret;
    ret = usock_open(base, protocol, type, &b);
    if (ret) {
        file_put(a);
        return ret;
    }
    struct usock *sa = a->priv, *sb = b->priv;
    usock_get(sb);
    sa->peer = sb;
    usock_get(sa);
    sb->peer = sa;
    sa->state = sb->state = US_CONNECTED;
    usock_cred_self(&sa->peercred, true);
    sb->peercred = sa->peercred;
    return fd_install_pair(a, b, type & SOCK_CLOEXEC, u_sv);
}
