/** One incident to explain: its telemetry, the symptom a user saw, and what is known of the system. */
import type { CallGraph } from './call-graph.js';
import type { Telemetry } from './telemetry.js';

/** The alert: which component's metric went bad, and when if known (unix seconds). */
export interface Symptom {
  readonly component: string;
  readonly metric: string;
  readonly statistic?: string;
  readonly at?: number;
}

/** A log line as RCAEval's `logs.csv` records it. */
export interface LogLine {
  readonly time: number;
  readonly container: string;
  readonly level: string;
  readonly message: string;
}

/** A span as RCAEval's `traces.csv` records it (times in the file's unit, microseconds for Jaeger). */
export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly service: string;
  readonly operation: string;
  readonly startTime: number;
  readonly duration: number;
  readonly statusCode: string;
}

/** Everything a method may use about one case. Labels (the true root cause) are never in here. */
export interface RcaCase {
  readonly name: string;
  readonly format: 'petshop' | 'rcaeval' | 'prometheus';
  /** The metrics around the incident. */
  readonly telemetry: Telemetry;
  /** Metrics of the same system in normal operation, when the dataset has them. */
  readonly normal?: Telemetry;
  readonly graph?: CallGraph;
  readonly symptom?: Symptom;
  /** When the fault began, when the dataset records it (RCAEval's inject_time.txt), unix seconds. */
  readonly incidentStart?: number;
  readonly logs?: readonly LogLine[];
  readonly spans?: readonly Span[];
}
