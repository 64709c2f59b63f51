import type { BodyBudgetStats } from './admission.js';
import type { ModelDescription, PredictorStats } from './predictor.js';

/**
 * Upper bounds (seconds) of the latency histogram: from the sub-millisecond /healthz up to a slow batch of
 * photos, roughly x2.5 apart so p50/p99 can be read within one bucket.
 */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A figure of the process that runs the app (memory, event-loop delay), read when /metrics is scraped. */
export interface RuntimeGauge {
  readonly name: string;
  readonly help: string;
  readonly value: number;
}

interface Histogram {
  readonly counts: number[]; // one per bucket, not cumulative; the +Inf bucket is `count`
  sum: number;
  count: number;
}

/**
 * Counters for /metrics, owned by one app instance (never module-global, so two apps in one process, as in
 * tests, do not mix their numbers). Rendered in the Prometheus text exposition format 0.0.4.
 */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly predictions: number[] = new Array<number>(10).fill(0);
  private readonly rejections = new Map<string, number>();
  private bodyBudgetSource: (() => BodyBudgetStats) | undefined;
  private runtimeSource: (() => readonly RuntimeGauge[]) | undefined;

  /**
   * Shows figures of the runtime (the Node entry's memory and event-loop delay) as gauges.
   * @param source - Reads the figures at each scrape.
   */
  watchRuntime(source: () => readonly RuntimeGauge[]): void {
    this.runtimeSource = source;
  }

  /**
   * Shows the upload routes' body budget (admission.ts) as gauges, and lets /readyz read it.
   * @param source - Reads the budget's figures now.
   */
  watchBodyBudget(source: () => BodyBudgetStats): void {
    this.bodyBudgetSource = source;
  }

  /**
   * The body budget's figures now, if the upload routes registered one.
   * @returns The figures, or undefined.
   */
  bodyBudget(): BodyBudgetStats | undefined {
    return this.bodyBudgetSource?.();
  }

  /**
   * Records one error answer (4xx or 5xx) by its code: BUSY, PAYLOAD_TOO_LARGE, DEADLINE_EXCEEDED, ...
   * Codes are a fixed set, so the label cannot grow without bound.
   * @param code - The answer's error code.
   */
  observeRejection(code: string): void {
    this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
  }

  /**
   * Records one finished request.
   * @param method - HTTP method.
   * @param route - The route pattern (not the raw path, which would let clients create unbounded label values).
   * @param status - Response status.
   * @param seconds - Time from arrival to response.
   */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let histogram = this.latency.get(route);
    if (histogram === undefined) {
      histogram = { counts: new Array<number>(LATENCY_BUCKETS_SECONDS.length).fill(0), sum: 0, count: 0 };
      this.latency.set(route, histogram);
    }
    const bucket = LATENCY_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
    if (bucket !== -1) histogram.counts[bucket]! += 1;
    histogram.sum += seconds;
    histogram.count += 1;
  }

  /**
   * Records one answered digit.
   * @param digit - 0..9.
   */
  observePrediction(digit: number): void {
    if (Number.isInteger(digit) && digit >= 0 && digit <= 9) this.predictions[digit]! += 1;
  }

  /**
   * Renders every metric in the Prometheus text format.
   * @param model - The loaded model, or undefined while loading.
   * @param pool - The predictor's queue and worker figures, when it has any.
   * @returns The exposition text (serve as `text/plain; version=0.0.4`).
   */
  render(model: ModelDescription | undefined, pool?: PredictorStats): string {
    const lines: string[] = [];
    lines.push('# HELP http_requests_total HTTP requests answered, by method, route pattern and status.');
    lines.push('# TYPE http_requests_total counter');
    for (const [key, value] of this.requests) {
      const [method, route, status] = key.split('\u0000') as [string, string, string];
      lines.push(`http_requests_total${labels({ method, route, status })} ${value}`);
    }
    lines.push('# HELP http_request_duration_seconds Time from request arrival to response, by route pattern.');
    lines.push('# TYPE http_request_duration_seconds histogram');
    for (const [route, histogram] of this.latency) {
      let cumulative = 0;
      LATENCY_BUCKETS_SECONDS.forEach((bound, i) => {
        cumulative += histogram.counts[i]!;
        lines.push(`http_request_duration_seconds_bucket${labels({ route, le: String(bound) })} ${cumulative}`);
      });
      lines.push(`http_request_duration_seconds_bucket${labels({ route, le: '+Inf' })} ${histogram.count}`);
      lines.push(`http_request_duration_seconds_sum${labels({ route })} ${histogram.sum}`);
      lines.push(`http_request_duration_seconds_count${labels({ route })} ${histogram.count}`);
    }
    lines.push('# HELP digit_predictions_total Images classified, by predicted digit.');
    lines.push('# TYPE digit_predictions_total counter');
    this.predictions.forEach((value, digit) => {
      lines.push(`digit_predictions_total${labels({ digit: String(digit) })} ${value}`);
    });
    lines.push('# HELP http_rejected_total Requests answered with an error, by error code.');
    lines.push('# TYPE http_rejected_total counter');
    for (const [reason, value] of this.rejections) lines.push(`http_rejected_total${labels({ reason })} ${value}`);
    const budget = this.bodyBudget();
    if (budget) {
      const gauges: [string, string, number][] = [
        [
          'http_body_bytes_in_flight',
          'Bytes of upload bodies received and held (counted as they arrive).',
          budget.bytes,
        ],
        ['http_body_bytes_in_flight_limit', 'MAX_BODY_BYTES_IN_FLIGHT: past it uploads are 503 BUSY.', budget.limit],
        ['http_uploads_receiving', 'Upload bodies still arriving.', budget.receiving],
      ];
      for (const [name, help, value] of gauges) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
      }
    }
    if (pool) {
      const gauges: [string, string, string, number][] = [
        ['predict_queue_depth', 'gauge', 'Images waiting for a prediction thread.', pool.queued],
        ['predict_tasks_running', 'gauge', 'Images being decoded and classified now.', pool.running],
        [
          'predict_workers_ready',
          'gauge',
          'Prediction threads up (the rest are starting or being replaced).',
          pool.workersReady,
        ],
        [
          'predict_tasks_over_deadline_total',
          'counter',
          'Images stopped at the per-task deadline.',
          pool.deadlineExceeded,
        ],
        ['predict_worker_restarts_total', 'counter', 'Prediction threads replaced (deadline or crash).', pool.restarts],
      ];
      for (const [name, type, help, value] of gauges) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
      }
    }
    for (const { name, help, value } of this.runtimeSource?.() ?? []) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
    }
    lines.push('# HELP model_ready 1 once the model is loaded and predictions can be served.');
    lines.push('# TYPE model_ready gauge');
    lines.push(`model_ready ${model ? 1 : 0}`);
    if (model) {
      lines.push('# HELP model_info The loaded model (value is always 1).');
      lines.push('# TYPE model_info gauge');
      const info = { format: String(model.format), sha256: model.sha256 ?? '', trained_at: model.info.trainedAt };
      lines.push(`model_info${labels(info)} 1`);
      lines.push('# HELP model_support_vectors Support vectors in the loaded model.');
      lines.push('# TYPE model_support_vectors gauge');
      lines.push(`model_support_vectors ${model.supportVectorCount}`);
      if (model.info.testAccuracy !== null) {
        lines.push('# HELP model_test_accuracy Accuracy of the loaded model on the MNIST test set.');
        lines.push('# TYPE model_test_accuracy gauge');
        lines.push(`model_test_accuracy ${model.info.testAccuracy}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

function labels(values: Record<string, string>): string {
  const parts = Object.entries(values).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return `{${parts.join(',')}}`;
}

/** Label values escape backslash, double quote and newline (Prometheus text format spec). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
