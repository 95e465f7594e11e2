/* Unit tests for abi/pageset.c (the set of mapped user pages), on the
 * host: random adds and deletes against a plain bitmap, with addresses
 * packed so clusters form, wrap around the table and are shifted back on
 * delete; range queries in both of their modes; growth and out of
 * memory. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "abi_int.h"
#include "core_shim.h"

#define PG 4096ul
#define BASE 0x400000ul
#define NPAGES 4096

/* Membership through the set's own probing: adding a member changes
 * nothing (a non-member is added and taken out again). */
static bool member(struct pageset *ps, uint64_t va)
{
    size_t before = ps->count;
    ck_assert_int_eq(pageset_add(ps, va), 0);
    if (ps->count == before)
        return true;
    pageset_del(ps, va);
    ck_assert_uint_eq(ps->count, before);
    return false;
}

static int cmp64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The table itself: count occupied slots, no value twice, half empty. */
static void check_table(const struct pageset *ps)
{
    uint64_t *v = malloc((ps->cap + 1) * sizeof(uint64_t));
    size_t used = 0;
    for (size_t i = 0; i < ps->cap; i++)
        if (ps->slots[i])
            v[used++] = ps->slots[i];
    ck_assert_uint_eq(used, ps->count);
    qsort(v, used, sizeof(uint64_t), cmp64);
    for (size_t i = 1; i < used; i++)
        ck_assert_uint_ne(v[i - 1], v[i]);
    ck_assert_uint_le(ps->count * 2, ps->cap);
    free(v);
}

/* Every member of the whole area, compared with the reference. */
static void check_all(const struct pageset *ps, const bool *ref)
{
    uint64_t *list;
    long want = 0;
    for (int i = 0; i < NPAGES; i++)
        want += ref[i];
    ck_assert_uint_eq(ps->count, (uint64_t)want);
    long n = pageset_range(ps, BASE, BASE + NPAGES * PG, &list);
    ck_assert_int_ge(n, 0);
    if ((uint64_t)NPAGES <= ps->count) { /* walk mode: every page, mapped or not */
        ck_assert_int_eq(n, NPAGES);
    } else {
        ck_assert_int_eq(n, want);
        for (long i = 0; i < n; i++) {
            ck_assert_uint_eq(list[i] % PG, 0);
            ck_assert_uint_ge(list[i], BASE);
            ck_assert(ref[(list[i] - BASE) / PG]);
        }
    }
    core_free(list);
}

START_TEST(test_random_against_bitmap)
{
    struct pageset ps = {0};
    bool *ref = calloc(NPAGES, sizeof(bool));
    srandom(777);
    for (int round = 0; round < 20000; round++) {
        int k = (int)(random() % NPAGES);
        uint64_t va = BASE + (uint64_t)k * PG;
        if (random() % 3) {
            ck_assert_int_eq(pageset_add(&ps, va), 0);
            ref[k] = true;
        } else {
            pageset_del(&ps, va);
            ref[k] = false;
        }
        if (round % 1000 == 999) {
            check_all(&ps, ref);
            check_table(&ps);
        }
    }
    /* each member is found where it is, each non-member is not */
    for (int k = 0; k < NPAGES; k++) {
        ck_assert_int_eq(member(&ps, BASE + (uint64_t)k * PG), ref[k]);
    }
    check_all(&ps, ref);
    /* empty it in a different order */
    for (int k = NPAGES - 1; k >= 0; k -= 2)
        pageset_del(&ps, BASE + (uint64_t)k * PG);
    for (int k = 0; k < NPAGES; k += 2)
        pageset_del(&ps, BASE + (uint64_t)k * PG);
    ck_assert_uint_eq(ps.count, 0);
    memset(ref, 0, NPAGES);
    check_all(&ps, ref);
    pageset_free(&ps);
    ck_assert_ptr_null(ps.slots);
    free(ref);
}
END_TEST

/* A table kept nearly half full (the most it holds before growing), with
 * heavy churn: long clusters, many crossing the end of the table, each
 * delete shifting entries back. Every element must stay findable. */
START_TEST(test_churn_at_full_load)
{
    struct pageset ps = {0};
    enum { SPAN = 1 << 16 };
    bool *ref = calloc(SPAN, sizeof(bool));
    uint32_t *live = malloc(SPAN * sizeof(uint32_t));
    size_t nlive = 0;
    srandom(4242);
    for (int round = 0; round < 100000; round++) {
        bool add = nlive < 400 || (nlive < 511 && random() % 2);
        if (add) {
            uint32_t k = (uint32_t)(random() % SPAN);
            if (ref[k])
                continue;
            ck_assert_int_eq(pageset_add(&ps, BASE + (uint64_t)k * PG), 0);
            ref[k] = true;
            live[nlive++] = k;
        } else {
            size_t at = (size_t)random() % nlive;
            uint32_t k = live[at];
            live[at] = live[--nlive];
            pageset_del(&ps, BASE + (uint64_t)k * PG);
            ref[k] = false;
            /* the neighbours of a hole are the ones a bad shift loses */
            for (int t = 0; t < 4 && nlive; t++)
                ck_assert(member(&ps, BASE + (uint64_t)live[(size_t)random() % nlive] * PG));
        }
        ck_assert_uint_eq(ps.count, nlive);
    }
    ck_assert_uint_eq(ps.cap, 1024); /* it never had to grow */
    for (size_t i = 0; i < nlive; i++)
        ck_assert(member(&ps, BASE + (uint64_t)live[i] * PG));
    pageset_free(&ps);
    free(ref);
    free(live);
}
END_TEST

START_TEST(test_add_del_edges)
{
    struct pageset ps = {0};
    pageset_del(&ps, BASE); /* empty, no table: nothing happens */
    ck_assert_int_eq(pageset_add(&ps, BASE), 0);
    ck_assert_int_eq(pageset_add(&ps, BASE), 0); /* twice: once */
    ck_assert_uint_eq(ps.count, 1);
    pageset_del(&ps, BASE + PG); /* not a member */
    ck_assert_uint_eq(ps.count, 1);
    pageset_del(&ps, BASE);
    pageset_del(&ps, BASE);
    ck_assert_uint_eq(ps.count, 0);
    /* the top of user space and far-apart addresses */
    ck_assert_int_eq(pageset_add(&ps, CORE_USER_END - PG), 0);
    ck_assert_int_eq(pageset_add(&ps, CORE_USER_MIN), 0);
    uint64_t *list;
    ck_assert_int_eq(pageset_range(&ps, CORE_USER_MIN, CORE_USER_END, &list), 2);
    core_free(list);
    ck_assert_int_eq(pageset_range(&ps, CORE_USER_MIN + PG, CORE_USER_END - PG, &list), 0);
    core_free(list);
    /* a small range is walked page by page, whatever is mapped */
    ck_assert_int_eq(pageset_range(&ps, BASE, BASE + PG, &list), 1);
    ck_assert_uint_eq(list[0], BASE);
    core_free(list);
    ck_assert_int_eq(pageset_range(&ps, BASE, BASE, &list), 0);
    core_free(list);
    pageset_free(&ps);
}
END_TEST

START_TEST(test_growth_and_oom)
{
    struct pageset ps = {0};
    for (int k = 0; k < 511; k++)
        ck_assert_int_eq(pageset_add(&ps, BASE + (uint64_t)k * PG), 0);
    size_t cap = ps.cap;
    ck_assert_uint_ge(cap, 1024);
    ck_assert_int_eq(pageset_add(&ps, BASE + 511 * PG), 0);
    /* the next one needs a bigger table: refused without memory */
    shim_alloc_fail(1, 1);
    int err = pageset_add(&ps, BASE + 512 * PG);
    shim_alloc_fail(0, 0);
    if (ps.cap == cap) {
        ck_assert_int_eq(err, -ENOMEM);
        ck_assert_uint_eq(ps.count, 512);
    }
    ck_assert_int_eq(pageset_add(&ps, BASE + 512 * PG), 0);
    ck_assert_uint_gt(ps.cap, cap);
    ck_assert_uint_eq(ps.count, 513);
    for (int k = 0; k <= 512; k++)
        ck_assert(member(&ps, BASE + (uint64_t)k * PG));
    shim_alloc_fail(1, 1);
    uint64_t *list;
    ck_assert_int_eq(pageset_range(&ps, BASE, BASE + 1000 * PG, &list), -ENOMEM);
    shim_alloc_fail(0, 0);
    pageset_free(&ps);
    pageset_free(&ps);
}
END_TEST

static Suite *pageset_suite(void)
{
    Suite *s = suite_create("abi_pageset");
    TCase *tc = tcase_create("pageset");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_random_against_bitmap);
    tcase_add_test(tc, test_churn_at_full_load);
    tcase_add_test(tc, test_add_del_edges);
    tcase_add_test(tc, test_growth_and_oom);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pageset_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
