/* mica devices: a vhost-user back end, served from mica's event loop.
 *
 * The front end (QEMU) connects to a Unix socket and sets the device up
 * with messages: a 12-byte header (request, flags, payload size), a
 * payload, and file descriptors as SCM_RIGHTS. mica offers only
 * VIRTIO_F_VERSION_1 and no protocol features, so each ring starts when
 * its kick eventfd arrives and stops at GET_VRING_BASE, and no message
 * but the GET_* ones is answered. The memory table's fds are mapped here;
 * ring addresses arrive as the front end's virtual addresses and are
 * turned into guest-physical ones through the same region table, so
 * virtq_host.c sees only guest-physical addresses, checked by gmem_ptr().
 * The front end is less trusted than mica too: every field is checked,
 * and a bad message ends the device with an error, never a crash.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhost_user.h"

enum {
    VU_GET_FEATURES = 1, VU_SET_FEATURES = 2, VU_SET_OWNER = 3,
    VU_RESET_OWNER = 4, VU_SET_MEM_TABLE = 5, VU_SET_VRING_NUM = 8,
    VU_SET_VRING_ADDR = 9, VU_SET_VRING_BASE = 10, VU_GET_VRING_BASE = 11,
    VU_SET_VRING_KICK = 12, VU_SET_VRING_CALL = 13, VU_SET_VRING_ERR = 14,
    VU_GET_PROTOCOL_FEATURES = 15, VU_SET_PROTOCOL_FEATURES = 16,
    VU_GET_QUEUE_NUM = 17, VU_SET_VRING_ENABLE = 18,
};

#define VU_VERSION 0x1u
#define VU_FLAG_REPLY 0x4u
#define VU_VRING_NOFD 0x100u
#define VU_MAX_FDS 8
#define VU_PAGE_MASK 0xfffull
/* VIRTIO_F_VERSION_1, and VHOST_USER_F_PROTOCOL_FEATURES: without it
 * QEMU assumes a back end that takes no memory regions at all */
#define VU_OFFERED_FEATURES ((1ull << 32) | (1ull << 30))
#define VU_PROTOCOL_MQ (1ull << 0) /* GET_QUEUE_NUM: QEMU checks the count */

struct vu_hdr {
    uint32_t request, flags, size;
};

struct vu_region {
    uint64_t gpa, size, uva, mmap_offset;
};

union vu_payload {
    uint64_t u64;
    struct { uint32_t index, num; } state;
    struct {
        uint32_t index, flags;
        uint64_t desc, used, avail, log;
    } addr;
    struct {
        uint32_t nregions, padding;
        struct vu_region r[GMEM_REGIONS_MAX];
    } mem;
};

struct vu_msg {
    struct vu_hdr h;
    union vu_payload p;
    int fds[VU_MAX_FDS];
    unsigned nfds;
};

static void vu_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void vu_unmap(struct vhost_user *vu)
{
    unsigned i;

    for (i = 0; i < GMEM_REGIONS_MAX; i++)
        if (vu->maps[i]) {
            munmap(vu->maps[i], vu->map_len[i]);
            vu->maps[i] = NULL;
        }
    vu->mem.n = 0;
}

static void vu_ring_stop(struct vhost_user_vring *r)
{
    r->started = 0;
    vu_close(&r->kick);
}

/* Receive one message; 1 on a clean hang-up. */
static int vu_recv(struct vhost_user *vu, struct vu_msg *m,
                   struct mica_error *err)
{
    char cbuf[CMSG_SPACE(VU_MAX_FDS * sizeof(int))];
    struct iovec iov = { &m->h, sizeof(m->h) };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
    struct cmsghdr *c;
    ssize_t n;
    size_t got;

    m->nfds = 0;
    do
        n = recvmsg(vu->sock, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return mica_error_sys(err, errno, "vhost-user: recvmsg");
    for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

            if (k > VU_MAX_FDS - m->nfds)
                k = VU_MAX_FDS - m->nfds; /* CTRUNC is set: refused below */

            memcpy(m->fds + m->nfds, CMSG_DATA(c), k * sizeof(int));
            m->nfds += (unsigned)k;
        }
    if (n == 0)
        return 1;
    if ((size_t)n != sizeof(m->h) || (mh.msg_flags & MSG_CTRUNC))
        return mica_error_set(err, EPROTO, "vhost-user: short or truncated "
                              "message header");
    if (m->h.size > sizeof(m->p))
        return mica_error_set(err, EPROTO, "vhost-user: request %u with a "
                              "%u-byte payload", m->h.request, m->h.size);
    memset(&m->p, 0, sizeof(m->p));
    for (got = 0; got < m->h.size; got += (size_t)n) {
        n = read(vu->sock, (char *)&m->p + got, m->h.size - got);
        if (n < 0 && errno == EINTR)
            n = 0;
        else if (n <= 0)
            return mica_error_set(err, EPROTO, "vhost-user: payload cut short");
    }
    return 0;
}

static int vu_reply(struct vhost_user *vu, const struct vu_msg *m,
                    const void *p, uint32_t size, struct mica_error *err)
{
    struct vu_hdr h = { m->h.request, VU_VERSION | VU_FLAG_REPLY, size };
    char buf[sizeof(h) + sizeof(union vu_payload)];
    size_t len = sizeof(h) + size, done = 0;
    ssize_t n;

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, size);
    while (done < len) {
        n = write(vu->sock, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return mica_error_sys(err, errno, "vhost-user: reply");
        done += (size_t)n;
    }
    return 0;
}

static int vu_need(const struct vu_msg *m, size_t size, struct mica_error *err)
{
    if (m->h.size < size)
        return mica_error_set(err, EPROTO, "vhost-user: request %u: payload "
                              "of %u bytes, expected %zu", m->h.request,
                              m->h.size, size);
    return 0;
}

/* Check every region, then map them all: validate, then commit. */
static int vu_set_mem_table(struct vhost_user *vu, struct vu_msg *m,
                            struct mica_error *err)
{
    uint32_t i, n = m->p.mem.nregions;
    struct gmem mem = { .n = 0 };

    if (n == 0 || n > GMEM_REGIONS_MAX || n != m->nfds ||
        vu_need(m, 8 + n * sizeof(struct vu_region), err) < 0)
        return mica_error_set(err, EPROTO, "vhost-user: memory table of %u "
                              "regions with %u fds", n, m->nfds);
    for (i = 0; i < n; i++) {
        const struct vu_region *r = &m->p.mem.r[i];
        struct stat st;

        /* page-aligned, so that an aligned ring address is an aligned
         * host pointer; and inside the file, or touching it is SIGBUS */
        if (r->size == 0 || r->gpa + r->size < r->gpa ||
            r->uva + r->size < r->uva ||
            r->mmap_offset + r->size < r->mmap_offset ||
            ((r->gpa | r->mmap_offset) & VU_PAGE_MASK) ||
            fstat(m->fds[i], &st) < 0 ||
            r->mmap_offset + r->size > (uint64_t)st.st_size)
            return mica_error_set(err, EPROTO, "vhost-user: bad memory "
                                  "region %u", i);
    }
    vu_unmap(vu);
    for (i = 0; i < n; i++) {
        const struct vu_region *r = &m->p.mem.r[i];
        size_t len = (size_t)(r->mmap_offset + r->size);
        void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
                       m->fds[i], 0);

        if (p == MAP_FAILED)
            return mica_error_sys(err, errno, "vhost-user: cannot map guest "
                                  "memory region %u", i);
        vu->maps[i] = p;
        vu->map_len[i] = len;
        mem.r[i] = (struct gmem_region){ r->gpa, r->size, r->uva,
                                         (uint8_t *)p + r->mmap_offset };
        mem.n = i + 1;
    }
    vu->mem = mem;
    return 0;
}

static int vu_set_vring_addr(struct vhost_user *vu, struct vu_msg *m,
                             struct mica_error *err)
{
    struct vhost_user_vring *r = &vu->vr[m->p.addr.index];
    uint64_t num = r->q.num, d, a, u;

    if (num == 0 ||
        gmem_uva_to_gpa(&vu->mem, m->p.addr.desc, 16 * num, &d) < 0 ||
        gmem_uva_to_gpa(&vu->mem, m->p.addr.avail, 6 + 2 * num, &a) < 0 ||
        gmem_uva_to_gpa(&vu->mem, m->p.addr.used, 6 + 8 * num, &u) < 0)
        return mica_error_set(err, EPROTO, "vhost-user: ring %u addresses "
                              "outside guest memory", m->p.addr.index);
    r->q.desc = d;
    r->q.avail = a;
    r->q.used = u;
    r->addr_set = 1;
    return virtq_host_check(&r->q, &vu->mem, err);
}

/* SET_VRING_KICK / CALL / ERR: take the message's fd (or none). */
static int vu_set_vring_fd(struct vhost_user *vu, struct vu_msg *m,
                           struct mica_error *err)
{
    unsigned qi = (unsigned)(m->p.u64 & 0xff);
    int nofd = (m->p.u64 & VU_VRING_NOFD) != 0, fd = -1;
    struct vhost_user_vring *r;

    if (qi >= VHOST_USER_QUEUES || nofd != (m->nfds == 0) || m->nfds > 1)
        return mica_error_set(err, EPROTO, "vhost-user: request %u for ring "
                              "%u with %u fds", m->h.request, qi, m->nfds);
    r = &vu->vr[qi];
    if (m->nfds) {
        fd = m->fds[0];
        m->nfds = 0; /* taken */
    }
    if (m->h.request == VU_SET_VRING_ERR) {
        vu_close(&fd);
        return 0;
    }
    if (m->h.request == VU_SET_VRING_CALL) {
        vu_close(&r->call);
        r->call = fd;
        return 0;
    }
    if (fd < 0)
        return mica_error_set(err, EPROTO, "vhost-user: ring %u without a "
                              "kick fd (polling is not offered)", qi);
    vu_close(&r->kick);
    r->kick = fd;
    r->started = 1;
    return vhost_user_queue_run(vu, qi, err); /* buffers may be waiting */
}

static int vu_ring_index(const struct vu_msg *m, struct mica_error *err)
{
    if (vu_need(m, sizeof(m->p.state), err) < 0)
        return -EPROTO;
    if (m->p.state.index >= VHOST_USER_QUEUES)
        return mica_error_set(err, EPROTO, "vhost-user: request %u for ring "
                              "%u of %u", m->h.request, m->p.state.index,
                              VHOST_USER_QUEUES);
    return 0;
}

static int vu_ring_message(struct vhost_user *vu, struct vu_msg *m,
                           struct mica_error *err)
{
    struct vhost_user_vring *r;
    uint32_t num;

    if (vu_ring_index(m, err) < 0)
        return -EPROTO;
    r = &vu->vr[m->p.state.index];
    num = m->p.state.num;
    switch (m->h.request) {
    case VU_SET_VRING_NUM:
        if (num == 0 || (num & (num - 1)) || num > VIRTQ_HOST_SIZE_MAX)
            return mica_error_set(err, EPROTO, "vhost-user: ring size %u", num);
        r->q.num = (uint16_t)num;
        r->addr_set = 0;
        return 0;
    case VU_SET_VRING_ADDR:
        if (vu_need(m, sizeof(m->p.addr), err) < 0)
            return -EPROTO;
        return vu_set_vring_addr(vu, m, err);
    case VU_SET_VRING_BASE:
        r->q.last_avail = r->q.used_idx = (uint16_t)num;
        return 0;
    case VU_GET_VRING_BASE:
        vu_ring_stop(r);
        m->p.state.num = r->q.last_avail;
        return vu_reply(vu, m, &m->p.state, sizeof(m->p.state), err);
    default: /* SET_VRING_ENABLE: rings are enabled when kicked */
        return 0;
    }
}

static int vu_dispatch(struct vhost_user *vu, struct vu_msg *m,
                       struct mica_error *err)
{
    unsigned i;

    switch (m->h.request) {
    case VU_GET_FEATURES:
        m->p.u64 = VU_OFFERED_FEATURES;
        return vu_reply(vu, m, &m->p.u64, sizeof(m->p.u64), err);
    case VU_SET_FEATURES:
        if (vu_need(m, 8, err) < 0)
            return -EPROTO;
        vu->features = m->p.u64 & VU_OFFERED_FEATURES;
        return 0;
    case VU_GET_PROTOCOL_FEATURES:
        m->p.u64 = VU_PROTOCOL_MQ;
        return vu_reply(vu, m, &m->p.u64, sizeof(m->p.u64), err);
    case VU_GET_QUEUE_NUM:
        m->p.u64 = VHOST_USER_QUEUES;
        return vu_reply(vu, m, &m->p.u64, sizeof(m->p.u64), err);
    case VU_SET_OWNER:
    case VU_SET_PROTOCOL_FEATURES:
        return 0;
    case VU_RESET_OWNER:
        for (i = 0; i < VHOST_USER_QUEUES; i++)
            vu_ring_stop(&vu->vr[i]);
        return 0;
    case VU_SET_MEM_TABLE:
        return vu_set_mem_table(vu, m, err);
    case VU_SET_VRING_KICK:
    case VU_SET_VRING_CALL:
    case VU_SET_VRING_ERR:
        if (vu_need(m, 8, err) < 0)
            return -EPROTO;
        return vu_set_vring_fd(vu, m, err);
    case VU_SET_VRING_NUM:
    case VU_SET_VRING_ADDR:
    case VU_SET_VRING_BASE:
    case VU_GET_VRING_BASE:
    case VU_SET_VRING_ENABLE:
        return vu_ring_message(vu, m, err);
    default:
        return mica_error_set(err, EPROTO, "vhost-user: request %u is not "
                              "supported", m->h.request);
    }
}

int vhost_user_message(struct vhost_user *vu, struct mica_error *err)
{
    struct vu_msg m;
    unsigned i;
    int rc = vu_recv(vu, &m, err);

    if (rc == 0 && (m.h.flags & 0x3u) != VU_VERSION)
        rc = mica_error_set(err, EPROTO, "vhost-user: version %u",
                            m.h.flags & 0x3u);
    if (rc == 0)
        rc = vu_dispatch(vu, &m, err);
    for (i = 0; i < m.nfds; i++) /* fds nobody took */
        close(m.fds[i]);
    return rc;
}

int vhost_user_queue_run(struct vhost_user *vu, unsigned qi,
                         struct mica_error *err)
{
    struct vhost_user_vring *r = &vu->vr[qi];
    uint64_t one = 1;
    uint32_t written;
    int rc, served = 0;

    if (!r->started || !r->addr_set)
        return 0;
    while ((rc = virtq_host_pop(&r->q, &vu->mem, vu->chain, err)) > 0) {
        rc = vu->serve(vu->opaque, vu->chain, &written, err);
        if (rc == 0)
            rc = virtq_host_push(&r->q, &vu->mem, vu->chain->head, written, err);
        if (rc < 0)
            return rc;
        served = 1;
    }
    if (rc < 0)
        return rc;
    if (served && r->call >= 0 && write(r->call, &one, sizeof(one)) < 0 &&
        errno != EAGAIN)
        return mica_error_sys(err, errno, "vhost-user: call eventfd");
    return 0;
}

void vhost_user_pollfds(const struct vhost_user *vu, struct pollfd *p)
{
    unsigned i;

    p[0] = (struct pollfd){ .fd = vu->sock, .events = POLLIN };
    for (i = 0; i < VHOST_USER_QUEUES; i++)
        p[1 + i] = (struct pollfd){
            .fd = vu->vr[i].started ? vu->vr[i].kick : -1, .events = POLLIN };
}

int vhost_user_events(struct vhost_user *vu, const struct pollfd *p,
                      struct mica_error *err)
{
    uint64_t v;
    unsigned i;
    int rc;

    for (i = 0; i < VHOST_USER_QUEUES; i++) {
        if (p[1 + i].fd < 0 || !p[1 + i].revents)
            continue;
        if (read(p[1 + i].fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
            return mica_error_sys(err, errno, "vhost-user: kick eventfd");
        rc = vhost_user_queue_run(vu, i, err);
        if (rc < 0)
            return rc;
    }
    if (p[0].revents)
        return vhost_user_message(vu, err);
    return 0;
}

int vhost_user_init(struct vhost_user *vu, int sock, vhost_user_serve_fn serve,
                    void *opaque, struct mica_error *err)
{
    unsigned i;

    memset(vu, 0, sizeof(*vu));
    vu->sock = sock;
    vu->serve = serve;
    vu->opaque = opaque;
    for (i = 0; i < VHOST_USER_QUEUES; i++)
        vu->vr[i].kick = vu->vr[i].call = -1;
    vu->chain = malloc(sizeof(*vu->chain));
    if (vu->chain == NULL)
        return mica_error_set(err, ENOMEM, "out of memory");
    return 0;
}

void vhost_user_destroy(struct vhost_user *vu)
{
    unsigned i;

    for (i = 0; i < VHOST_USER_QUEUES; i++) {
        vu_close(&vu->vr[i].kick);
        vu_close(&vu->vr[i].call);
    }
    vu_unmap(vu);
    vu_close(&vu->sock);
    free(vu->chain);
    vu->chain = NULL;
}
