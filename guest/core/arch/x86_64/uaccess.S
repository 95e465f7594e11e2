/* User-memory copy primitives with fault recovery.
 *
 * Each faulting instruction has an entry in __ex_table (fault address,
 * fixup address). The page-fault handler first offers the address to the
 * demand-paging policy; if that cannot map it, it resumes at the fixup,
 * which returns an error. REP MOVSB/STOSB are restartable, so a resolved
 * fault simply retries the same instruction.
 */
    .text

/* size_t arch_copy_user(void *dst, const void *src, size_t n):
 * returns the number of bytes NOT copied (0 on success).
 * Eight bytes at a time, then the tail (QEMU's TCG runs REP MOVSQ about
 * eight times faster than REP MOVSB; hardware with ERMS runs both at
 * full speed). A fault in the quadword part falls back to bytes from
 * where it stopped, so the count not copied is exact. */
    .globl arch_copy_user
arch_copy_user:
    mov %rdx, %rcx
    shr $3, %rcx
    and $7, %edx
1:  rep movsq
    mov %rdx, %rcx
2:  rep movsb
    xor %eax, %eax
    ret
3:  lea (%rdx,%rcx,8), %rcx
    jmp 2b
4:  mov %rcx, %rax
    ret
    .section __ex_table, "a"
    .quad 1b, 3b
    .quad 2b, 4b
    .text

/* size_t arch_clear_user(void *dst, size_t n): bytes NOT cleared. */
    .globl arch_clear_user
arch_clear_user:
    mov %rsi, %rcx
    shr $3, %rcx
    and $7, %esi
    xor %eax, %eax
1:  rep stosq
    mov %rsi, %rcx
2:  rep stosb
    xor %eax, %eax
    ret
3:  lea (%rsi,%rcx,8), %rcx
    jmp 2b
4:  mov %rcx, %rax
    ret
    .section __ex_table, "a"
    .quad 1b, 3b
    .quad 2b, 4b
    .text

/* long arch_strncpy_user(char *dst, const char *src, size_t max):
 * length of the string (NUL copied) if a NUL was found within max bytes,
 * max if none was, -14 (-EFAULT) on a fault. */
    .globl arch_strncpy_user
arch_strncpy_user:
    xor %eax, %eax
1:  cmp %rdx, %rax
    je 3f
2:  movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    test %cl, %cl
    jz 3f
    inc %rax
    jmp 1b
3:  ret
4:  mov $-14, %rax
    ret
    .section __ex_table, "a"
    .quad 2b, 4b
    .text
