#!/bin/sh
# smp.sh: the thread programs with two vCPUs (--cpus 2): pthreads, raw
# futexes, and what only several CPUs can break (tests/abi/smp.c: TLB
# shootdowns under running threads, fork while a thread writes), each
# compared with the host. Then python3 threading and multiprocessing on
# the host root.
. "${srcdir:-.}/tests/system/lib.sh"

ABI_DIR=${ABI_BUILDDIR:-$(pwd)/tests/abi}
case $ABI_DIR in /*) ;; *) ABI_DIR=$(pwd)/$ABI_DIR ;; esac
[ -x "$ABI_DIR/smp.musl" ] || skip "ABI programs not built in $ABI_DIR (make check builds them)"
mica_setup
[ "$ENGINE" = qemu ] || skip "--cpus 2 needs the QEMU engine for now"
ENGINE_OPTS="$ENGINE_OPTS --cpus 2"

for prog in smp threads futex; do
    for v in musl glibc; do
        compare "$prog.$v --cpus 2" /dev/null yes "$ABI_DIR/$prog.$v"
    done
done

# The guest sees two CPUs.
mica_run "$WORK/m.out" "$WORK/m.err" /dev/null /bin/busybox sh -c \
    'grep -c ^processor /proc/cpuinfo; nproc'
if [ "$status" = 0 ] && [ "$(cat "$WORK/m.out")" = "$(printf '2\n2')" ]; then
    pass "two CPUs in /proc/cpuinfo and nproc"
else
    fail "two CPUs in /proc/cpuinfo and nproc: status $status, got $(tr '\n' ' ' <"$WORK/m.out")"
fi

# python3 threading with two vCPUs, on the default host root.
PY=/usr/bin/python3
if [ -x "$PY" ]; then
    ENGINE_OPTS="--engine qemu --cpus 2"
    cat >"$WORK/t.py" <<'PYEOF'
import concurrent.futures as cf, threading
lock, n = threading.Lock(), [0]
def add():
    for _ in range(5000):
        with lock:
            n[0] += 1
ts = [threading.Thread(target=add) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(n[0])
with cf.ThreadPoolExecutor(4) as ex:
    print(sum(ex.map(lambda x: x * x, range(200))))
PYEOF
    cat >"$WORK/mp.py" <<'PYEOF'
import multiprocessing as mp
def sq(x):
    return x * x
if __name__ == "__main__":
    with mp.Pool(2) as p:
        print(sum(p.map(sq, range(100))))
    q = mp.Queue()
    pr = mp.Process(target=q.put, args=(42,))
    pr.start()
    print(q.get())
    pr.join()
    print(pr.exitcode)
    v = mp.Value("i", 7)
    with v.get_lock():
        v.value += 1
    print(v.value)
PYEOF
    cd "$WORK" || exit 99
    compare "python3 threading --cpus 2" /dev/null yes "$PY" t.py
    # Pool, Queue, Process and a shared Value: fork, socketpairs, /dev/shm
    # and POSIX semaphores
    compare "python3 multiprocessing --cpus 2" /dev/null yes "$PY" mp.py
    cd - >/dev/null || exit 99
else
    echo "SKIP: python3 threading --cpus 2 (no $PY)"
fi
finish
