// The anomaly stage in Node.js, served through the inspector's bridge: it registers on
// apex.stage.anomaly (the inspector announces it in discovery while connected) and answers each
// StageRequest (bus-contracts schemas/stage/stage-request.json) carrying the data stage's result
// with an AnomalyResult (schemas/stage/anomaly-result.json).
//
//   APEX_BUS_TOKEN=<admin access token> node scripts/bridge/anomaly-stage.mjs [--host H] [--port P]
import { BusClient } from './bus-client.mjs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export const ADDRESS = 'apex.stage.anomaly';
const THRESHOLD = 3.5;
const BAD_REQUEST = 4000; // ErrorCode.BAD_REQUEST's failure code (docs/PROTOCOL.md)

/** Days whose spend is more than THRESHOLD robust z-scores (median and MAD) above the window's median. */
export function anomalies(byDay) {
  const costs = byDay.map((d) => d.cost_usd);
  const median = middle(costs);
  const mad = middle(costs.map((c) => Math.abs(c - median))) || 1e-9;
  return byDay
    .map((d) => ({ day: d.day, cost_usd: round(d.cost_usd), baseline_usd: round(median),
      excess_usd: round(d.cost_usd - median), score: round((0.6745 * (d.cost_usd - median)) / mad),
      top_feature_excess_usd: 0 }))
    .filter((a) => a.score > THRESHOLD && a.excess_usd > 0);
}

function middle(values) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(x) {
  return Math.round(x * 100) / 100;
}

/**
 * Serves the stage on an open client; resolves once the bridge accepted the registration.
 * {@code answered(request, answer)} is told of each answer sent.
 */
export async function serve(bus, answered = () => {}) {
  bus.register(ADDRESS, (frame) => {
    const request = frame.body || {};
    if (!request.run || !request.data || !Array.isArray(request.data.by_day)) {
      bus.fail(frame, BAD_REQUEST, 'anomaly: the request needs run and data.by_day (a StageRequest after the data stage)');
      return;
    }
    const answer = { anomalies: anomalies(request.data.by_day),
      method: `median and MAD of daily spend, robust z > ${THRESHOLD} (Node.js ${process.version})` };
    bus.reply(frame, answer);
    answered(request, answer);
  });
  await bus.confirm();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '7001' } } });
  const bus = await BusClient.connect({ host: values.host, port: Number(values.port), token: process.env.APEX_BUS_TOKEN });
  await serve(bus, (request, answer) => console.log(`run ${request.run.run_id}: ${answer.anomalies.length} anomalous day(s)`
    + ` of ${request.data.by_day.length}`));
  console.log(`anomaly stage serving ${ADDRESS} through ${values.host}:${values.port}; Ctrl-C to stop`);
}
