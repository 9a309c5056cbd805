// Package doccheck holds the test that keeps README.md and the RESULTS.md
// files true to the code: README.md stays at most 150 lines, every
// `go run` command they show names a program, a subcommand and flags that
// exist, and every `go test` command names packages that exist. It has no
// code of its own.
package doccheck
