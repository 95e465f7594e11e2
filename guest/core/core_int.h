/* Private declarations shared inside guest/core/. Never included by
 * services. */
#ifndef CORE_INT_H
#define CORE_INT_H

#include <core/types.h>
#include <core/task.h>
#include <mica/boot.h>

extern struct mica_boot_info boot_info;
extern char __kernel_start[], __kernel_end[];

__noreturn void core_start(void);

/* early.c-style bump allocator (main.c), before the frame allocator */
uint64_t early_alloc_pages(size_t n);
uint64_t early_alloc_end(void); /* first byte past the early allocations */

/* frames.c */
void frames_init(void);
uint64_t frames_alloc(size_t n); /* physical address, 0 on failure */
void frames_free(uint64_t pa, size_t n);
void frames_reserve(uint64_t pa, uint64_t len);
uint32_t frame_npages(uint64_t pa);
uint64_t frames_ram_end(void);

/* console.c */
void console_init(void);
void console_panic_write(const char *s, size_t len);

/* time.c */
void time_init(void);
extern uint64_t tsc_khz;
uint64_t time_ns_to_tsc(uint64_t ns);

/* random.c */
void random_init(const char *cmdline);

/* panic.c */
__noreturn void panic_frame(const struct core_uregs *f, const char *fmt, ...)
    __printf(2, 3);

/* uart.c */
void uart_putc(uint8_t c);
int uart_poll(uint8_t *c);
void uart_enable_rx_irq(void);
#define MICA_COM1_IRQ 4

/* handlers registered by services (traps.c) */
extern core_syscall_fn syscall_fn;
extern core_fault_fn fault_fn;
extern core_trap_fn trap_fn;

/* sched.c */
struct core_as;
void sched_init(void);
/* SMP (sched.c, for arch/x86_64/smp.c) */
void *sched_cpu_prepare(unsigned id);
__noreturn void sched_ap_idle(unsigned id);
bool sched_cpu_idle(unsigned id);
void sched_lock_taken(void);
void sched_note_as(struct core_as *as);
void sched_timer_interrupt(bool from_user);
void sched_return_work(struct core_uregs *f);
bool sched_work_pending(void);

/* console.c: asynchronous input, polled from the timer and idle loop */
bool console_input_needs_poll(void); /* input is owed and no interrupt will say so */
void console_irq_init(void);
void console_poll_input(void);

/* dev.c: the device table (early, from the boot info and command line),
 * then handles and the IOAPIC; device interrupt vectors */
void dev_scan(const char *cmdline, size_t len);
void dev_init(void);
void dev_interrupt(unsigned vector);
void sched_after_interrupt(void);

/* command-line helper */
const char *cmdline_find(const char *cmdline, const char *key);

#endif
