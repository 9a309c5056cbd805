//go:build !race

package cols

const raceEnabled = false
