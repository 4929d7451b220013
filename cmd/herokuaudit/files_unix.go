//go:build unix

package main

import "syscall"

// openNonBlocking: opening a FIFO with no writer must not hang.
const openNonBlocking = syscall.O_NONBLOCK
