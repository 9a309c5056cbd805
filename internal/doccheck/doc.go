// Package doccheck holds the test that keeps README.md true to the code:
// every `go run` command it shows names a program, a subcommand and flags
// that exist, and every `go test` command names packages that exist. It
// has no code of its own.
package doccheck
