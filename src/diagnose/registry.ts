/**
 * Every analyzer, registered here explicitly (never by import side effect): the order is the order
 * their findings are produced in, before incidents sort them.
 */
import type { Analyzer } from './analyzer.js';
import { oomKilledAnalyzer } from './analyzers/oom-killed.js';
import { crashLoopBackOffAnalyzer } from './analyzers/crash-loop-back-off.js';
import { pendingAnalyzer } from './analyzers/pending.js';
import { probeFailureAnalyzer } from './analyzers/probe-failure.js';
import { serviceUnavailableAnalyzer } from './analyzers/service-unavailable.js';
import { imagePullAnalyzer } from './analyzers/image-pull.js';
import { createContainerConfigErrorAnalyzer } from './analyzers/create-container-config-error.js';
import { rolloutStuckAnalyzer } from './analyzers/rollout-stuck.js';
import { volumePendingAnalyzer } from './analyzers/volume-pending.js';
import { nodeUnhealthyAnalyzer } from './analyzers/node-unhealthy.js';
import { evictedAnalyzer } from './analyzers/evicted.js';
import { jobFailedAnalyzer } from './analyzers/job-failed.js';
import { scalingBlockedAnalyzer } from './analyzers/scaling-blocked.js';
import { admissionRefusedAnalyzer } from './analyzers/admission-refused.js';

export const ANALYZERS: readonly Analyzer[] = [
  oomKilledAnalyzer,
  crashLoopBackOffAnalyzer,
  pendingAnalyzer,
  probeFailureAnalyzer,
  serviceUnavailableAnalyzer,
  imagePullAnalyzer,
  createContainerConfigErrorAnalyzer,
  rolloutStuckAnalyzer,
  volumePendingAnalyzer,
  nodeUnhealthyAnalyzer,
  evictedAnalyzer,
  jobFailedAnalyzer,
  scalingBlockedAnalyzer,
  admissionRefusedAnalyzer,
];
