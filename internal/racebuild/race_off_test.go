//go:build !race

package racebuild_test

const raceOn = false
