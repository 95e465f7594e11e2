# seq and printf: ranges, steps, formats, escapes, argument reuse
seq 5
seq 3 6
seq 10 -3 0
seq 0 0.25 1
seq -w 8 11
seq -s , 1 5
seq 5 1; echo "empty range -> $?"
printf '%s\n' one two three
printf '%d|%5d|%-5d|%05d|%+d\n' 42 42 42 42 42
printf '%x %X %o %#x %#o\n' 255 255 8 255 8
printf '%.3f %10.2f %-10.1f| %e\n' 3.14159 2.5 1.25 1234.5
printf '%c%c%c\n' A B C
printf '%s=%s\n' a 1 b 2 c
printf 'tab\there\nnewline\\n octal:\101\102 hex:\x41\n'
printf '%b\n' 'with\tescape'
printf '%%literal percent\n'
printf '%3s|%-3s|%.2s\n' x y abcdef
printf '%d\n' 0x1f 010 -7 "'A"
printf 'no newline'; echo
printf '%s\n' "$(seq 1 3)"
printf '%d\n' abc 2>/dev/null; echo "bad number -> $?"
printf '%s %s\n' $(seq 1 6)
exit 52
