#!/bin/sh
# Stand-in for the compiled hello.c: prints "hello" and its first argument.
echo "hello ${1:-world}"
