//go:build !unix

package main

// openNonBlocking: other systems have no FIFOs to open by name.
const openNonBlocking = 0
