# case: literal, glob, alternatives, character classes, default
classify() {
    case $1 in
        "") echo "empty" ;;
        [0-9]|[0-9][0-9]) echo "$1: small number" ;;
        *[!0-9]*) case $1 in
                -*) echo "$1: option" ;;
                *.c|*.h) echo "$1: C source" ;;
                [A-Z]*) echo "$1: capitalised" ;;
                ?) echo "$1: one char" ;;
                *) echo "$1: word" ;;
            esac ;;
        *) echo "$1: big number" ;;
    esac
}
for w in "" 7 42 12345 -v main.c io.h Hello x word 'a*b'; do classify "$w"; done
v='*'
case abc in $v) echo "unquoted var globs" ;; esac
case abc in "$v") echo wrong ;; *) echo "quoted var is literal" ;; esac
case 'a*b' in a\*b) echo "escaped star matches" ;; esac
case x in (x) echo "leading paren ok" ;; esac
case y in x) ;; esac; echo "no match status $?"
case foo in f*) echo first ;; fo*) echo second ;; esac
exit 9
