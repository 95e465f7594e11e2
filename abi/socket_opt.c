/* Unix sockets: getsockopt and setsockopt (SOL_SOCKET only).
 *
 * Buffer sizes are doubled and clamped as Linux does (what is asked, at
 * most [rw]mem_max, times two, at least the minimum); timeouts are kept
 * in ticks of a HZ=250 kernel so that they read back rounded as there.
 * Options mica does not act on (SO_REUSEADDR, SO_KEEPALIVE, SO_LINGER)
 * are kept and shown; unknown ones are ENOPROTOOPT, other levels
 * EOPNOTSUPP.
 */
#include "socket_int.h"
#include "sys.h"

struct u_timeval {
    int64_t sec, usec;
};
struct u_linger {
    int32_t onoff, linger;
};

static int opt_timeout_set(uint64_t *ticks, uaddr_t u_val, int len)
{
    struct u_timeval tv;
    if (len < (int)sizeof(tv))
        return -EINVAL;
    if (core_copy_from_user(&tv, u_val, sizeof(tv)))
        return -EFAULT;
    if (tv.usec < 0 || tv.usec >= 1000000)
        return -EDOM;
    if (tv.sec < 0) {
        *ticks = 1; /* Linux: a negative timeout is the shortest one */
        return 0;
    }
    const int64_t usec_per_tick = 1000000 / USOCK_HZ;
    if (tv.sec >= (int64_t)(UINT32_MAX / USOCK_HZ)) {
        *ticks = 0;
        return 0;
    }
    *ticks = (uint64_t)tv.sec * USOCK_HZ + (uint64_t)((tv.usec + usec_per_tick - 1) / usec_per_tick);
    return 0;
}

static uint32_t opt_buf(int v, uint32_t min)
{
    uint32_t val = (uint32_t)v > USOCK_BUF_MAX ? USOCK_BUF_MAX : (uint32_t)v;
    return val * 2 > min ? val * 2 : min;
}

long usock_setsockopt(struct usock *s, int level, int name, uaddr_t u_val, int len)
{
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (name == SO_RCVTIMEO_OLD)
        return opt_timeout_set(&s->rcvtimeo, u_val, len);
    if (name == SO_SNDTIMEO_OLD)
        return opt_timeout_set(&s->sndtimeo, u_val, len);
    if (name == SO_LINGER) {
        struct u_linger l;
        if (len < (int)sizeof(l))
            return -EINVAL;
        if (core_copy_from_user(&l, u_val, sizeof(l)))
            return -EFAULT;
        s->linger_on = l.onoff ? 1 : 0;
        s->linger_sec = l.linger;
        return 0;
    }
    int v;
    if (len < (int)sizeof(v))
        return -EINVAL;
    if (core_copy_from_user(&v, u_val, sizeof(v)))
        return -EFAULT;
    switch (name) {
    case SO_SNDBUF:
        s->sndbuf = opt_buf(v, USOCK_MIN_SNDBUF);
        core_wake_all(&s->wait); /* writers may fit now */
        return 0;
    case SO_RCVBUF:
        s->rcvbuf = opt_buf(v, USOCK_MIN_RCVBUF);
        return 0;
    case SO_PASSCRED: s->passcred = v != 0; return 0;
    case SO_REUSEADDR: s->reuseaddr = v != 0; return 0;
    case SO_KEEPALIVE: s->keepalive = v != 0; return 0;
    default: return -ENOPROTOOPT;
    }
}

static long opt_put(const void *val, int size, uaddr_t u_val, uaddr_t u_len)
{
    return usock_put_len(val, (uint32_t)size, u_val, u_len, false);
}

long usock_getsockopt(struct usock *s, int level, int name, uaddr_t u_val, uaddr_t u_len)
{
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    int v;
    switch (name) {
    case SO_TYPE: v = s->type; break;
    case SO_DOMAIN: v = AF_UNIX; break;
    case SO_PROTOCOL: v = s->protocol; break;
    case SO_ERROR: v = s->err; s->err = 0; break;
    case SO_ACCEPTCONN: v = s->state == US_LISTENING; break;
    case SO_SNDBUF: v = (int)s->sndbuf; break;
    case SO_RCVBUF: v = (int)s->rcvbuf; break;
    case SO_PASSCRED: v = s->passcred; break;
    case SO_REUSEADDR: v = s->reuseaddr; break;
    case SO_KEEPALIVE: v = s->keepalive; break;
    case SO_PEERCRED:
        return opt_put(&s->peercred, sizeof(s->peercred), u_val, u_len);
    case SO_LINGER: {
        struct u_linger l = {s->linger_on, s->linger_sec};
        return opt_put(&l, sizeof(l), u_val, u_len);
    }
    case SO_RCVTIMEO_OLD:
    case SO_SNDTIMEO_OLD: {
        uint64_t t = name == SO_RCVTIMEO_OLD ? s->rcvtimeo : s->sndtimeo;
        struct u_timeval tv = {(int64_t)(t / USOCK_HZ),
                               (int64_t)((t % USOCK_HZ) * (1000000 / USOCK_HZ))};
        return opt_put(&tv, sizeof(tv), u_val, u_len);
    }
    default: return -ENOPROTOOPT;
    }
    return opt_put(&v, sizeof(v), u_val, u_len);
}

long sys_setsockopt(int fd, int level, int name, uaddr_t u_val, int len)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    return s ? usock_setsockopt(s, level, name, u_val, len) : err;
}

long sys_getsockopt(int fd, int level, int name, uaddr_t u_val, uaddr_t u_len)
{
    int err;
    struct usock *s = usock_from_fd(fd, &err);
    return s ? usock_getsockopt(s, level, name, u_val, u_len) : err;
}
