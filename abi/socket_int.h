/* Unix-domain sockets: what socket*.c share (abi/ only).
 *
 * A socket (struct usock) is one open file's private state, kept alive by
 * references: its file, its peer's pointer to it, and every message it
 * sent that still waits in some receive queue (the sender is charged for
 * those bytes, as Linux charges sk_wmem_alloc, and woken as they go).
 * Messages (struct umsg) carry data, credentials, files in flight
 * (SCM_RIGHTS) and, in a listener's queue, a not-yet-accepted connection
 * (the "embryo", already connected to its client).
 *
 * Stream sends split into messages; stream receives glue them, stopping
 * where files were attached or where the credentials change. Datagram and
 * seqpacket receives take one message each. One wait queue per socket
 * (`wait`) serves readers, writers waiting for their send buffer to
 * drain, accept and poll; `peer_wait` serves those waiting for room in
 * this socket's queue (a full datagram queue, a full listen backlog).
 *
 * Constants and structures that the UAPI headers do not export (socket
 * types, MSG_ flags, msghdr) are written here from the Linux ABI.
 */
#ifndef ABI_SOCKET_INT_H
#define ABI_SOCKET_INT_H

#include "abi_int.h"
#include <asm/socket.h>
#include <linux/un.h>

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_MAX 46
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_MAX 11
#define SOCK_CLOEXEC O_CLOEXEC
#define SOCK_NONBLOCK O_NONBLOCK

#define MSG_OOB 1
#define MSG_PEEK 2
#define MSG_CTRUNC 8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253

#define SHUT_RD 0
#define SHUT_RDWR 2
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

#define USOCK_SOMAXCONN 4096
#define USOCK_MAX_DGRAM_QLEN 10 /* net.unix.max_dgram_qlen */
#define USOCK_BUF_DEFAULT 212992 /* net.core.[rw]mem_default */
#define USOCK_BUF_MAX 212992     /* net.core.[rw]mem_max */
#define USOCK_MIN_SNDBUF 4608
#define USOCK_MIN_RCVBUF 2304
#define USOCK_OPTMEM_MAX 20480 /* the largest control buffer sendmsg takes */
#define USOCK_SKB_MAX_HEAD 3776   /* a page less the skb's shared info */
#define USOCK_SKB_FRAGS 32768     /* page fragments of one stream skb */
#define USOCK_SKB_MAX_ALLOC 16064 /* a datagram's linear part, at most */
#define USOCK_HZ 250 /* timeouts are kept in ticks of a HZ=250 kernel */

/* The x86-64 layouts of the user structures. */
struct u_msghdr {
    uint64_t name;
    int32_t namelen;
    uint32_t pad1;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    uint32_t flags;
    uint32_t pad2;
};
struct u_cmsghdr {
    uint64_t len;
    int32_t level, type;
};
struct u_ucred {
    int32_t pid;
    uint32_t uid, gid;
};
#define CMSG_ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define CMSG_HDR_LEN sizeof(struct u_cmsghdr)

struct usock_addr {
    uint32_t len; /* of the sockaddr: family plus name */
    struct sockaddr_un sa;
};

enum usock_state { US_UNCONNECTED, US_LISTENING, US_CONNECTED };

struct usock;

struct umsg {
    struct umsg *next;
    struct usock *from;   /* the sender (referenced), charged `charge` */
    struct usock *embryo; /* listener queues: a connection (referenced) */
    uint32_t len, off;    /* data bytes, and those already read (stream) */
    uint32_t charge;
    uint32_t nfiles;
    struct file **files;  /* in flight (referenced) */
    struct u_ucred cred;
    char data[];
};

struct usock {
    uint32_t refs;
    int type, protocol;
    enum usock_state state;
    bool dead;         /* its file is gone */
    bool passcred, reuseaddr, keepalive;
    uint8_t shut;      /* RCV_SHUTDOWN | SEND_SHUTDOWN */
    int err;           /* pending error (SO_ERROR), positive */
    struct usock *peer; /* referenced */
    struct usock_addr *addr; /* bound name, or NULL */
    struct inode *name_ino;  /* a path name's inode (referenced) */
    struct usock *next_bound;
    bool is_bound;     /* on the list of names (accepted sockets show
                        * their listener's name but are not) */
    struct umsg *head, *tail; /* the receive queue */
    uint32_t qlen;
    uint64_t qbytes;
    uint64_t wmem;     /* charge of what it sent that waits somewhere */
    uint32_t sndbuf, rcvbuf, backlog;
    uint64_t rcvtimeo, sndtimeo; /* ticks, 0 = forever */
    int32_t linger_on, linger_sec;
    struct u_ucred peercred;
    struct core_waitq wait, peer_wait;
    /* A datagram socket's waiter on its peer's peer_wait, relaying room
     * there to its own pollers (set while connected and polled). */
    struct core_waiter relay;
    struct usock *relay_on;
    struct inode *inode;
    struct file *file; /* not referenced: cleared at its release */
    struct usock *gc_next, *gc_prev; /* every socket (socket_gc.c) */
    uint32_t gc_refs;
    bool gc_cand, gc_alive;
};

/* struct iovec as user space lays it out, kept as integers: the bases
 * are user addresses. */
struct uvec {
    uint64_t base, len;
};

/* A walk over a user iovec array (copied in and checked). */
struct uio {
    const struct uvec *iov;
    unsigned long cnt, idx;
    size_t off, total;
};

/* socket.c */
extern const struct file_ops usock_ops;
struct usock *usock_new(int type, int protocol) __must_check;
void usock_get(struct usock *s);
void usock_put(struct usock *s);
/* The socket behind fd: -EBADF or -ENOTSOCK in *err when none. */
struct usock *usock_from_fd(int fd, int *err);
/* A file for socket s (taking one reference to it), with O_NONBLOCK. */
struct file *usock_file(struct usock *s, uint32_t flags) __must_check;
void usock_cred_self(struct u_ucred *c, bool effective);
/* Point s at a new peer o (referenced by the caller, or NULL), dropping
 * the old one and any relay on it. */
void usock_set_peer(struct usock *s, struct usock *o);
/* Sleep on q until woken: 0, -EAGAIN at the deadline, or a signal's
 * -ERESTARTSYS (-EINTR when a timeout was set). */
int usock_sleep(struct core_waitq *q, uint64_t deadline);
uint64_t usock_deadline(uint64_t ticks);
/* Link m at the end of r's queue, charge its sender, wake r. */
void usock_enqueue(struct usock *r, struct umsg *m);
/* Unlink the first message of s's queue (the caller frees it). */
struct umsg *usock_dequeue(struct usock *s);
/* Free a message: release its files, embryo and charge (deferred, so
 * releases do not nest without bound). */
void umsg_free(struct umsg *m);
uint32_t usock_truesize(size_t len, bool stream);
bool usock_writable(const struct usock *s);

/* socket_name.c */
int usock_addr_from_user(uaddr_t u_addr, int len, struct usock_addr *a) __must_check;
int usock_bind_addr(struct usock *s, const struct usock_addr *a) __must_check;
int usock_autobind(struct usock *s) __must_check;
/* The live socket of this type bound at a: referenced, or NULL and
 * *err (EPROTOTYPE for a path bound by another type). */
struct usock *usock_lookup(const struct usock_addr *a, int type, int *err);
void usock_unbind(struct usock *s);
/* Copy a name to user memory, Linux's way: min(buffer, len) bytes, and
 * the full length to *u_len. a NULL: just the family. */
int usock_addr_to_user(const struct usock_addr *a, uaddr_t u_addr, uaddr_t u_len) __must_check;
int usock_put_len(const void *val, uint32_t size, uaddr_t u_val, uaddr_t u_len,
                  bool full) __must_check;

/* socket_cmsg.c: control data of one sendmsg */
struct scm {
    struct file **files;
    uint32_t nfiles;
    bool has_cred;
    struct u_ucred cred;
};

/* What one receive took besides data. */
struct urecv {
    int flags; /* MSG_TRUNC... for msg_flags */
    bool has_from, has_cred;
    struct usock_addr from;
    struct u_ucred cred;
    struct file **files; /* the caller installs or puts them */
    uint32_t nfiles;
};

/* socket_msg.c: one send or receive; to is a destination or NULL, scm
 * may be NULL. Bytes, or -errno. */
long usock_send(struct usock *s, struct file *f, struct uio *u, const struct usock_addr *to,
                struct scm *scm, int flags);
long usock_recv(struct usock *s, struct file *f, struct uio *u, int flags, struct urecv *out);
void urecv_drop(struct urecv *out);
int uio_import(struct uio *u, uint64_t u_iov, uint64_t iovlen, struct uvec **out) __must_check;
int uio_copy_from(struct uio *u, void *dst, size_t n) __must_check;
int uio_copy_to(struct uio *u, const void *src, size_t n) __must_check;
int scm_from_user(const struct u_msghdr *mh, struct scm *scm) __must_check;
void scm_release(struct scm *scm);
/* Fill a message's files and credentials from scm (files move over). */
void scm_attach(struct scm *scm, struct umsg *m);
/* Write credentials and files to the user's control buffer; updates
 * mh->controllen and mh->flags (MSG_CTRUNC). The files move to new fds
 * (or are closed when they do not fit). */
int scm_to_user(struct u_msghdr *mh, struct urecv *r, int flags) __must_check;

/* socket_gc.c */
void usock_gc_track(struct usock *s, bool add);
/* Messages holding socket files: counted as they are queued and freed. */
void usock_gc_inflight(struct umsg *m, bool add);
/* Free what only cycles of in-flight sockets hold. */
void usock_gc(void);

/* socket_opt.c */
long usock_setsockopt(struct usock *s, int level, int name, uaddr_t u_val, int len);
long usock_getsockopt(struct usock *s, int level, int name, uaddr_t u_val, uaddr_t u_len);

#endif
