#!/bin/sh
# hostprogs.sh: the host's own programs, unmodified, under the default host
# root (issue 5): bash, coreutils, grep, sed, find, tar with gzip and xz,
# perl, sqlite3, python3, git and make, each run natively and in mica with
# the same arguments from the same working directory (a fresh directory
# under $WORK, shared at its own path), stdout, stderr and status compared.
# Scratch files go to a mktemp directory in /tmp, the guest's own, and
# only relative names are printed, so the outputs do not depend on the
# host. A program the host lacks makes its check SKIP. Needs QEMU.
# shellcheck disable=SC2016,SC2034 # the bash -c scripts are literal; lib.sh reads the settings
: "${MICA_TEST_TIMEOUT:=60}"
. "${srcdir:-.}/tests/system/lib.sh"

command -v "${QEMU:-qemu-system-x86_64}" >/dev/null 2>&1 ||
    skip "qemu-system-x86_64 not found: the host root is the QEMU engine's"
MICA_TEST_ENGINE=qemu
MICA_TEST_HOST_ROOT=1
mica_setup

# have PROG...: all on the guest's PATH (the host's /usr is the guest's).
have() {
    for _p; do
        PATH=$GUEST_PATH command -v "$_p" >/dev/null 2>&1 || return 1
    done
}

# check NAME PROG... -- SCRIPT: SCRIPT run by bash -c on both sides, or
# SKIP when a PROG is missing.
check() {
    _cname=$1
    shift
    _need=
    while [ "$1" != -- ]; do
        _need="$_need $1"
        shift
    done
    shift
    # shellcheck disable=SC2086
    if ! have bash $_need; then
        echo "SKIP: $_cname (needs$_need)"
        return 0
    fi
    compare "$_cname" /dev/null yes bash -c "$1"
}

# ---- the working directory and its input files ----
D=$WORK/cwd
mkdir -p "$D/in/sub"
printf '10\n9\n100\n2\n9\n33\n' >"$D/in/nums"
printf 'apple,red,3\nbanana,yellow,12\ncherry,red,7\napple,green,5\n' >"$D/in/fruit.csv"
printf 'first line\nsecond LINE\nthird one\n' >"$D/in/sub/lines.txt"
printf 'deep\n' >"$D/in/sub/deep.md"
chmod 640 "$D/in/fruit.csv"
cat >"$D/Makefile" <<'EOF'
OBJS = a.o b.o
all: out.txt
%.o: %.c
	@echo "cc $< -> $@"
	@cp $< $@
out.txt: $(OBJS)
	@cat $^ >$@
	@echo "link $@ from $(words $^) objects"
.PHONY: all
EOF
printf 'int a;\n' >"$D/a.c"
printf 'int b;\n' >"$D/b.c"
cd "$D" || exit 99

# ---- bash ----
check "bash: arithmetic, arrays, functions" -- '
    a=(3 1 2); a+=(7); echo "${#a[@]} ${a[*]} ${a[-1]}"
    declare -A m=([x]=1 [y]=2); echo "${m[y]}"
    f() { local s=0; for i in "$@"; do s=$((s + i * i)); done; echo $s; }
    f 1 2 3 4; echo $((2 ** 10 % 1000)) $(( (7 << 2) | 1 ))
    s="Hello World"; echo "${s,,} ${s^^} ${s/World/there} ${#s}"'
check "bash: pipeline, command substitution, pipefail" -- '
    n=$(seq 1 5 | paste -sd+ | bc 2>/dev/null || echo 15); echo "sum $n"
    x=$(echo abc | tr a-z A-Z | rev); echo "$x"
    false | true; echo "no pipefail: $?"
    set -o pipefail; false | true; echo "pipefail: $?"
    { echo out; echo err >&2; } 2>&1 | sort; exit 3'

# ---- coreutils ----
check "coreutils: sort, uniq, wc, cut, tr, head, tail, seq, printf" -- '
    sort -n in/nums; sort in/nums | uniq -c
    wc -l in/nums; wc -c <in/fruit.csv
    cut -d, -f1,3 in/fruit.csv; cut -d, -f1 in/fruit.csv | sort | uniq -c
    tr a-z A-Z <in/sub/lines.txt; tr -d e <in/sub/lines.txt
    head -n 2 in/nums; tail -n 2 in/nums; seq 3 3 12; seq -w 8 11
    printf "%05d|%-6s|%x|%.3f\n" 42 ab 255 3.14159'
check "coreutils: date -u -d @0, basename, dirname" -- '
    date -u -d @0; date -u -d @86400 +%F.%T; basename /a/b/c.txt .txt
    dirname /a/b/c.txt; basename "$PWD/in"; realpath --relative-to=. in/sub'
check "coreutils: ls -1, stat, md5sum, sha256sum" -- '
    ls -1 in; ls -1R in; stat -c "%s %A %n" in/fruit.csv in/nums
    md5sum in/nums in/sub/lines.txt; sha256sum in/fruit.csv
    cat in/nums in/fruit.csv | sha256sum'
check "coreutils: cp, mv, rm, mkdir in /tmp" -- '
    t=$(mktemp -d) && cd "$t" || exit 9
    mkdir -p a/b/c; cp -r "$OLDPWD/in" a/b/c/; mv a/b/c/in/nums a/n
    cp -p a/n a/n2; rm a/b/c/in/sub/deep.md; ln -s n a/link
    find . | LC_ALL=C sort; cat a/link; stat -c "%s %A %n" a/n2
    rm -r a/b; ls -1 a; cd / && rm -rf "$t" && echo removed'

# ---- grep, sed, find ----
check "grep: -E, -c, -r, -n, -v, -i" -- '
    grep -E "^(apple|cherry)," in/fruit.csv; grep -c red in/fruit.csv
    grep -r -n line in | LC_ALL=C sort; grep -rl deep in; grep -vi line in/sub/lines.txt
    grep -q nothing in/nums; echo "not found: $?"'
check "sed: -E substitutions, -n p, ranges" -- '
    sed -E "s/([a-z]+),([a-z]+),([0-9]+)/\3 \2 \1/" in/fruit.csv
    sed -n "2p;\$p" in/nums; sed -n "/second/,/third/p" in/sub/lines.txt
    sed -E "s/[0-9]+/<&>/g; y/abc/ABC/" in/fruit.csv; printf "a\nb\n" | sed "1i top"'
check "find: -name, -type, -size, -exec" -- '
    find in -name "*.txt"; find . -type d | LC_ALL=C sort
    find in -type f -name "*.md" -exec cat {} \;
    find in -type f -size -2k | LC_ALL=C sort | xargs wc -c'

# ---- tar, gzip, xz ----
# One archive straight from the shared working directory (tar checks that
# each directory's size and times stay put while it reads it: overlay
# directories must show the lower one's, not their own filling-in), one
# from a copy in the guest's /tmp.
check "tar czf + tzf from the share, gzip -c | gunzip" tar gzip -- '
    t=$(mktemp -d) || exit 9
    tar czf "$t/a.tgz" in && tar tzf "$t/a.tgz" | LC_ALL=C sort
    mkdir "$t/x" && tar xzf "$t/a.tgz" -C "$t/x" && diff -r in "$t/x/in" && echo same
    gzip -c in/fruit.csv | gunzip | md5sum; gzip -9c in/nums >"$t/n.gz"
    gunzip -c "$t/n.gz" | cmp - in/nums && echo gz ok; rm -rf "$t"'
check "tar cJf + tJf (xz) from a copy" tar xz -- '
    t=$(mktemp -d) && cp -r in "$t" || exit 9
    tar cJf "$t/a.txz" -C "$t" in && tar tJf "$t/a.txz" | LC_ALL=C sort
    mkdir "$t/x" && tar xJf "$t/a.txz" -C "$t/x" && diff -r in "$t/x/in" && echo same
    xz -c in/nums | xz -dc | md5sum; rm -rf "$t"'

# ---- perl ----
check "perl -e: regex, sprintf, hash sort" perl -- '
    perl -e '\''
        my %h = (pear => 3, fig => 11, kiwi => 7);
        for my $k (sort { $h{$b} <=> $h{$a} } keys %h) { printf "%-5s %03d\n", $k, $h{$k} }
        my $s = "2024-01-31 done"; my ($y, $m, $d) = $s =~ /^(\d+)-(\d+)-(\d+)/;
        print join("/", $d, $m, $y), "\n"; (my $t = $s) =~ s/(\w+)$/\U$1/; print "$t\n";
        open my $f, "<", "in/fruit.csv" or die; my %c; while (<$f>) { $c{(split /,/)[1]}++ }
        print map { "$_=$c{$_}\n" } sort keys %c; print sprintf("%.2e|%x|%s", 12345.678, 255, "x" x 3), "\n"'\'

# ---- sqlite3 ----
check "sqlite3: create table, insert, select" sqlite3 -- '
    t=$(mktemp -d) || exit 9
    sqlite3 "$t/db" "create table f(name text, n int);
        insert into f values (\"apple\", 3), (\"fig\", 11), (\"kiwi\", 7);
        select name, n * 2 from f where n > 4 order by n desc;
        select count(*), sum(n) from f;"
    sqlite3 "$t/db" "select group_concat(name, \"+\") from f;"; rm -rf "$t"'

# ---- python3 ----
check "python3: json, sqlite3, subprocess, tempfile" python3 -- '
    python3 - <<EOF
import json, os, sqlite3, subprocess, tempfile
print(json.dumps({"b": [1, 2.5, None], "a": "x"}, sort_keys=True))
print(json.loads("[1, {\"k\": true}]"))
db = sqlite3.connect(":memory:")
db.execute("create table t(x)")
db.executemany("insert into t values (?)", [(i,) for i in range(10)])
print(db.execute("select sum(x), max(x) from t").fetchone())
r = subprocess.run(["echo", "x"], capture_output=True, text=True)
print(repr(r.stdout), r.returncode)
print(subprocess.run(["sh", "-c", "exit 5"]).returncode)
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "f")
    with open(p, "w") as f:
        f.write("hello")
    print(os.listdir(d), os.path.getsize(p), open(p).read())
print(os.path.exists(d))
print(sorted(os.listdir("in")))
EOF'

check "python3: threading, queue, ThreadPoolExecutor, Event, Timer" python3 -- '
    python3 - <<EOF
import concurrent.futures as cf, queue, threading
q = queue.Queue()
def work(i):
    q.put(sum(range(i * 1000)))
ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(q.get() for _ in range(8)))
with cf.ThreadPoolExecutor(4) as ex:
    print(sum(ex.map(lambda x: x * x, range(100))))
lock, n = threading.Lock(), [0]
def add():
    for _ in range(2000):
        with lock:
            n[0] += 1
ts = [threading.Thread(target=add) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(n[0])
ev = threading.Event()
threading.Timer(0.05, ev.set).start()
print(ev.wait(10), threading.active_count() >= 1)
EOF'

# ---- git ----
check "git: init, commit, log" git -- '
    t=$(mktemp -d) || exit 9
    git init -q "$t/r" && cd "$t/r" &&
    git -c user.name=a -c user.email=a@b commit --allow-empty -q -m m &&
    echo data >f && git add f &&
    git -c user.name=a -c user.email=a@b commit -q -m second &&
    git log --format=%s && git ls-files && git status --short && echo clean
    cd / && rm -rf "$t"'

# ---- make ----
# make -n reads the Makefile in the working directory; the build itself
# runs on a copy in /tmp, as the host's run would leave its outputs there.
check "make: pattern rules, automatic variables, -n" make -- '
    make -n all | head -n 2
    t=$(mktemp -d) && cp Makefile a.c b.c "$t" && cd "$t" || exit 9
    make -s && cat out.txt && make && make -n -B | head -n 3
    cd / && rm -rf "$t"'

finish
