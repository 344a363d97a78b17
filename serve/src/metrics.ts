// Prometheus text-format metrics for the server, hand-written (counters, gauges, histograms with
// labels): request counts by route and status, latency, in-flight requests, model load and batches.

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  const esc = (v: string): string => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
  return `{${keys.map((k) => `${k}="${esc(labels[k] ?? "")}"`).join(",")}}`;
}

function num(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) lines.push(`${this.name}${k} ${num(v)}`);
    return lines;
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  /** When set, read at render time (e.g. memory). */
  collect: (() => number) | undefined;
  constructor(readonly name: string, readonly help: string) {}
  set(v: number, labels: Labels = {}): void {
    this.values.set(labelText(labels), v);
  }
  inc(by = 1, labels: Labels = {}): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }
  render(): string[] {
    if (this.collect !== undefined) this.set(this.collect());
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [k, v] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) lines.push(`${this.name}${k} ${num(v)}`);
    return lines;
  }
}

interface HistSeries {
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { labels: Labels; s: HistSeries }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}
  observe(v: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let entry = this.series.get(key);
    if (entry === undefined) {
      entry = { labels, s: { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 } };
      this.series.set(key, entry);
    }
    const { s } = entry;
    this.buckets.forEach((b, i) => {
      if (v <= b) s.counts[i] = (s.counts[i] ?? 0) + 1;
    });
    s.sum += v;
    s.count++;
  }
  count(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.s.count ?? 0;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [, { labels, s }] of [...this.series].sort(([a], [b]) => a.localeCompare(b))) {
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${labelText({ ...labels, le: num(b) })} ${s.counts[i] ?? 0}`));
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${num(s.sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${s.count}`);
    }
    return lines;
  }
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** The server's metrics, created once per app. */
export class ServeMetrics {
  readonly requests = new Counter("http_requests_total", "HTTP requests answered, by route, method and status code.");
  readonly latency = new Histogram("http_request_duration_seconds", "HTTP request latency in seconds, by route.", LATENCY_BUCKETS);
  readonly inFlight = new Gauge("http_requests_in_flight", "HTTP requests being handled now.");
  readonly modelLoad = new Gauge("model_load_seconds", "Time taken to load the model at startup, in seconds.");
  readonly modelInfo = new Gauge("model_info", "The loaded model (always 1), labelled by kind and version.");
  readonly batchSize = new Histogram("model_batch_size", "Papers per model call.", BATCH_BUCKETS);
  readonly inference = new Histogram("model_inference_duration_seconds", "Model call duration in seconds.", LATENCY_BUCKETS);
  readonly inferenceErrors = new Counter("model_inference_errors_total", "Model calls that failed.");
  readonly queued = new Gauge("model_queue_papers", "Papers waiting for a model call.");
  readonly rss = new Gauge("process_resident_memory_bytes", "Resident memory size in bytes.");
  readonly maxRss = new Gauge("process_max_resident_memory_bytes", "Peak resident memory size in bytes since start.");
  readonly heap = new Gauge("nodejs_heap_used_bytes", "V8 heap in use, in bytes.");

  constructor() {
    this.rss.collect = () => process.memoryUsage.rss();
    this.maxRss.collect = () => process.resourceUsage().maxRSS * 1024;
    this.heap.collect = () => process.memoryUsage().heapUsed;
  }

  render(): string {
    const all: Metric[] = [this.requests, this.latency, this.inFlight, this.modelLoad, this.modelInfo, this.batchSize, this.inference, this.inferenceErrors, this.queued, this.rss, this.maxRss, this.heap];
    return `${all.flatMap((m) => m.render()).join("\n")}\n`;
  }
}
