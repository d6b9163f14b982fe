export { CockroachHealthIndicator, type CockroachPingCheckOptions } from './cockroach-health.indicator.js';
