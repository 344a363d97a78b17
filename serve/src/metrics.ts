// The server's Prometheus metrics, on prom-client: request counts by route and status, latency,
// in-flight requests, model load and batches, memory. One registry per app, so apps never share series.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** The server's metrics, created once per app. Label names are listed in alphabetical order, and
 * callers pass label objects in that order: prom-client writes a series' labels as they were given. */
export class ServeMetrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];
  readonly requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by route, method and status code.",
    labelNames: ["method", "route", "status"],
    registers: this.registers,
  });
  readonly latency = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency in seconds, by route.",
    labelNames: ["route"],
    buckets: LATENCY_BUCKETS,
    registers: this.registers,
  });
  readonly inFlight = new Gauge({ name: "http_requests_in_flight", help: "HTTP requests being handled now.", registers: this.registers });
  readonly modelLoad = new Gauge({ name: "model_load_seconds", help: "Time taken to load the model at startup, in seconds.", registers: this.registers });
  readonly modelInfo = new Gauge({
    name: "model_info",
    help: "The loaded model (always 1), labelled by kind and version.",
    labelNames: ["kind", "version"],
    registers: this.registers,
  });
  readonly batchSize = new Histogram({ name: "model_batch_size", help: "Papers per model call.", buckets: BATCH_BUCKETS, registers: this.registers });
  readonly inference = new Histogram({
    name: "model_inference_duration_seconds",
    help: "Model call duration in seconds.",
    buckets: LATENCY_BUCKETS,
    registers: this.registers,
  });
  readonly inferenceErrors = new Counter({ name: "model_inference_errors_total", help: "Model calls that failed.", registers: this.registers });
  readonly queued = new Gauge({ name: "model_queue_papers", help: "Papers waiting for a model call.", registers: this.registers });
  readonly rss = new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers: this.registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  readonly maxRss = new Gauge({
    name: "process_max_resident_memory_bytes",
    help: "Peak resident memory size in bytes since start.",
    registers: this.registers,
    collect() {
      this.set(process.resourceUsage().maxRSS * 1024);
    },
  });
  readonly heap = new Gauge({
    name: "nodejs_heap_used_bytes",
    help: "V8 heap in use, in bytes.",
    registers: this.registers,
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });

  /** The `Content-Type` of `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
