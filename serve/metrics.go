package serve

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus series, on a registry of its own
// (with the Go runtime's and the process's collectors, so that
// process_resident_memory_bytes is there for the load generator).
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec   // by model and status code
	latency  *prometheus.HistogramVec // seconds, by model
	batch    *prometheus.HistogramVec // rows per forward pass, by model
	queue    *prometheus.GaugeVec     // jobs waiting, by model
	wait     *prometheus.HistogramVec // seconds from queueing to the start of the job's batch
	compute  *prometheus.HistogramVec // seconds per forward pass
	inflight prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rnnzoo_requests_total",
			Help: "Requests by model (empty: server endpoints and unknown models) and HTTP status code.",
		}, []string{"model", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rnnzoo_request_duration_seconds",
			Help:    "Time from the start of reading an inference request to the end of writing its answer.",
			Buckets: prometheus.ExponentialBuckets(0.00025, 2, 16), // 0.25 ms … 8 s
		}, []string{"model"}),
		batch: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rnnzoo_batch_size",
			Help:    "Rows in each forward pass of the dynamic batcher.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}, []string{"model"}),
		queue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "rnnzoo_queue_length",
			Help: "Inference requests waiting for a forward pass.",
		}, []string{"model"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rnnzoo_queue_duration_seconds",
			Help:    "Time an inference request waited from entering the queue to the start of its forward pass.",
			Buckets: prometheus.ExponentialBuckets(0.00005, 2, 16), // 50 µs … 1.6 s
		}, []string{"model"}),
		compute: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rnnzoo_compute_duration_seconds",
			Help:    "Time of each forward pass of the dynamic batcher.",
			Buckets: prometheus.ExponentialBuckets(0.00005, 2, 16),
		}, []string{"model"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rnnzoo_inflight_requests",
			Help: "HTTP requests being served.",
		}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.batch, m.queue, m.wait, m.compute, m.inflight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
