/* Leaving the VM: the program's exit, and kernel panics with registers
 * and a frame-pointer backtrace. Either way the host learns the status
 * from an EXIT record, then the debug-exit port stops the VM. */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/boot.h>
#include <core/panic.h>
#include <lib/string.h>
#include <mica/console.h>

void console_exit_record(int status);
static bool panicking;

__noreturn static void vm_stop(int status)
{
    console_exit_record(status);
    outl(MICA_PORT_DEBUG_EXIT, (uint32_t)status);
    for (;;) /* the port write should not return; never run on */
        arch_halt();
}

__noreturn void core_vm_exit(int status)
{
    arch_irq_disable();
    vm_stop(status & 0xff);
}

/* Append to buf, never past its end (snprintf returns the would-be size). */
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
    va_list ap;
    if (*n >= size - 1)
        return;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, size - *n, fmt, ap);
    va_end(ap);
    *n += (size_t)k < size - *n ? (size_t)k : size - *n - 1;
}

static void backtrace(char *buf, size_t size, size_t *n, uint64_t rbp)
{
    put(buf, size, n, "backtrace:");
    for (int depth = 0; depth < 16 && rbp >= KERNEL_VMA; depth++) {
        uint64_t *frame = (uint64_t *)rbp;
        put(buf, size, n, " %#lx", frame[1]);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
    put(buf, size, n, "\n");
}

static void dump_regs(char *buf, size_t size, size_t *n, const struct core_uregs *f)
{
    put(buf, size, n,
        "rip %#lx cs %#lx rflags %#lx rsp %#lx ss %#lx\n"
        "rax %#lx rbx %#lx rcx %#lx rdx %#lx\n"
        "rsi %#lx rdi %#lx rbp %#lx r8 %#lx\n"
        "r9 %#lx r10 %#lx r11 %#lx r12 %#lx\n"
        "r13 %#lx r14 %#lx r15 %#lx\n",
        f->rip, f->cs, f->rflags, f->rsp, f->ss, f->rax, f->rbx, f->rcx, f->rdx, f->rsi,
        f->rdi, f->rbp, f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15);
}

static __noreturn void panic_va(const struct core_uregs *f, const char *fmt, va_list ap)
{
    static char buf[2048];
    size_t n = 0;

    arch_irq_disable();
    if (panicking)
        vm_stop(MICA_EXIT_PANIC);
    panicking = true;
    put(buf, sizeof(buf), &n, "mica: guest kernel panic (%s): ", core_platform_name());
    int k = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
    n += (size_t)k < sizeof(buf) - n ? (size_t)k : sizeof(buf) - n - 1;
    put(buf, sizeof(buf), &n, "\n");
    if (f)
        dump_regs(buf, sizeof(buf), &n, f);
    backtrace(buf, sizeof(buf), &n,
              f && !(f->cs & 3) ? f->rbp : (uint64_t)__builtin_frame_address(0));
    console_panic_write(buf, n);
    vm_stop(MICA_EXIT_PANIC);
}

__noreturn void core_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_va(NULL, fmt, ap);
}

__noreturn void panic_frame(const struct core_uregs *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_va(f, fmt, ap);
}
