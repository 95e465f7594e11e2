/* Unix sockets: collecting sockets that are only in flight.
 *
 * A socket file passed with SCM_RIGHTS and never received is held by a
 * message in some receive queue. If that queue belongs to a socket that
 * is itself only in flight (sent over itself, or two sockets sent over
 * each other), nothing can ever receive them, yet each holds the other:
 * reference counting alone would keep them forever. So, when a socket
 * file is released while socket files are in flight, this looks for
 * them as Linux's garbage collector does: candidates are sockets whose
 * file is referenced only by messages; those referenced from a queue
 * that is not a candidate's are alive, and so is whatever their queues
 * hold; the rest have their queues emptied, which breaks the cycles.
 */
#include "socket_int.h"

static struct usock *all_socks;
static uint32_t inflight_socks; /* socket files held by messages */

void usock_gc_track(struct usock *s, bool add)
{
    if (add) {
        s->gc_next = all_socks;
        s->gc_prev = NULL;
        if (all_socks)
            all_socks->gc_prev = s;
        all_socks = s;
        return;
    }
    if (s->gc_prev)
        s->gc_prev->gc_next = s->gc_next;
    else
        all_socks = s->gc_next;
    if (s->gc_next)
        s->gc_next->gc_prev = s->gc_prev;
}

static struct usock *file_sock(struct file *f)
{
    return f->ops == &usock_ops ? f->priv : NULL;
}

void usock_gc_inflight(struct umsg *m, bool add)
{
    for (uint32_t i = 0; i < m->nfiles; i++)
        if (file_sock(m->files[i]))
            inflight_socks += add ? 1 : (uint32_t)-1;
}

/* Run body with c set to each socket whose file is in s's queue. */
#define FOR_EACH_CHILD(s, c, body)                                                     \
    for (struct umsg *m_ = (s)->head; m_; m_ = m_->next)                               \
        for (uint32_t i_ = 0; i_ < m_->nfiles; i_++) {                                 \
            struct usock *c = file_sock(m_->files[i_]);                                \
            if (c) {                                                                   \
                body;                                                                  \
            }                                                                          \
        }

static void gc_mark(void)
{
    for (struct usock *s = all_socks; s; s = s->gc_next)
        s->gc_refs = 0, s->gc_cand = s->gc_alive = false;
    for (struct usock *s = all_socks; s; s = s->gc_next)
        FOR_EACH_CHILD(s, c, c->gc_refs++);
    for (struct usock *s = all_socks; s; s = s->gc_next)
        s->gc_cand = s->file && s->gc_refs && s->file->refs == s->gc_refs;
    /* what candidates hold does not keep anything alive by itself */
    for (struct usock *s = all_socks; s; s = s->gc_next)
        if (s->gc_cand)
            FOR_EACH_CHILD(s, c, if (c->gc_cand) c->gc_refs--);
    for (struct usock *s = all_socks; s; s = s->gc_next)
        s->gc_alive = s->gc_cand && s->gc_refs;
    for (bool changed = true; changed;) {
        changed = false;
        for (struct usock *s = all_socks; s; s = s->gc_next)
            if (s->gc_alive)
                FOR_EACH_CHILD(s, c, if (c->gc_cand && !c->gc_alive) {
                    c->gc_alive = true;
                    changed = true;
                });
    }
}

void usock_gc(void)
{
    if (!inflight_socks)
        return;
    gc_mark();
    struct umsg *dead = NULL;
    for (struct usock *s = all_socks; s; s = s->gc_next) {
        if (!s->gc_cand || s->gc_alive)
            continue;
        struct umsg *m;
        while ((m = usock_dequeue(s))) {
            m->next = dead;
            dead = m;
        }
    }
    while (dead) {
        struct umsg *m = dead;
        dead = m->next;
        umsg_free(m);
    }
}
