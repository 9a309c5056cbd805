//go:build race

package cols

// raceEnabled skips the full test-set evaluations of the shipped models
// under the race detector (they run in the ordinary test run).
const raceEnabled = true
