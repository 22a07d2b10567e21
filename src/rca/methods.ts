/** Every ranking method, ours first, in one explicit list (the benchmark and tests iterate it). */
import { anomalyTraversal } from './baselines/anomaly-traversal.js';
import { baro } from './baselines/baro.js';
import { nSigma } from './baselines/n-sigma.js';
import { rankedCorrelation } from './baselines/ranked-correlation.js';
import { graphWalk } from './graph-walk.js';
import type { RcaMethod } from './ranking.js';

export const RCA_METHODS: readonly RcaMethod[] = [graphWalk(), baro, nSigma, rankedCorrelation, anomalyTraversal];
