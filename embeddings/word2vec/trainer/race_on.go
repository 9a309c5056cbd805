//go:build race

package trainer

import "sync"

// Under the race detector the Hogwild workers take turns job by job: their
// lock-free updates of the shared matrices race by design, and the detector
// is there to check the rest (the reader, the channels, the counters).
const raceEnabled = true

var raceMu sync.Mutex
