//go:build !race

package trainer

import "sync"

const raceEnabled = false

var raceMu sync.Mutex
