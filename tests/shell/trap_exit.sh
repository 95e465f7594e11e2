# trap on EXIT: runs at exit, sees the status; per subshell; replaced
trap 'echo "exit trap, status $?"' EXIT
(trap 'echo "subshell exit trap"' EXIT; echo "in subshell")
(trap 'echo "trap sees $?"' EXIT; exit 4); echo "subshell -> $?"
(trap 'echo "changed"; exit 9' EXIT; exit 4); echo "trap's exit wins -> $?"
v=$(trap 'echo from-trap' EXIT; echo body); echo "captured: $v" | tr '\n' ' '; echo
(trap 'echo first' EXIT; trap 'echo second' EXIT; :)
(trap 'echo never' EXIT; trap - EXIT; echo "reset")
(trap '' EXIT; echo "ignored")
(trap 'echo "on false under set -e"' EXIT; set -e; false; echo no)
f() { trap 'echo "trap set in function"' EXIT; }
(f; echo "after f")
exit 24
