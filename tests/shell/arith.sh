# arithmetic expansion: operators, bases, precedence, variables
a=17 b=5
echo $((a + b)) $((a - b)) $((a * b)) $((a / b)) $((a % b))
echo $((-a / b)) $((-a % b)) $((a ** 2)) 2>/dev/null || echo "no **"
echo $((1 << 10)) $((1024 >> 3)) $((0xff & 0x0f)) $((0xf0 | 0x0f)) $((5 ^ 3)) $((~0))
echo $((010)) $((0x10)) $((16#ff)) $((2#1011))
echo $((a > b)) $((a < b)) $((a == 17)) $((a != 17)) $((a >= 17)) $((b <= 4))
echo $((a && 0)) $((a || 0)) $((!a)) $((!0))
echo $((a > b ? a : b)) $((2 + 3 * 4)) $(((2 + 3) * 4)) $((100 / 7 / 2))
x=5; : $((x += 3)); echo "x=$x"; : $((x *= 2)); echo "x=$x"; : $((x -= 1)); echo "x=$x"
y=3; echo $((y++)) $y $((++y)) $y $((y--)) $((--y))
c="2 + 3"; echo $((c * 2)) $(( $c * 2 ))
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "i=$i"
echo $((9223372036854775807)) $((-9223372036854775807 - 1))
echo $(( (1 << 62) + (1 << 62) - 1 + (1 << 62) + (1 << 62) ))
n=12345; r=0; while [ $n -gt 0 ]; do r=$((r * 10 + n % 10)); n=$((n / 10)); done; echo "reversed $r"
unset u; echo $((u + 1))
exit $((200 + 5))
