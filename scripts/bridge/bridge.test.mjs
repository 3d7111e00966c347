// The bridge from another language: starts a real Apex node (the node jar, `apex up` with its
// embedded PostgreSQL and Redis), logs in through the REST API, and speaks the bridge protocol
// with bus-client.mjs; chats over /ws as the browser does, with the anomaly stage enabled, to see the
// supervisor call the Node.js stage. Run with: node --experimental-websocket --test scripts/bridge/
// (the flag only on Node 20, whose WebSocket client is behind it; after mvn package/verify built the jar)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { BusClient } from './bus-client.mjs';
import { serve, ADDRESS as ANOMALY } from './anomaly-stage.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const jar = join(root, 'verticles', 'node', 'target', 'apex-node.jar');
const schemas = join(root, 'bus-contracts', 'src', 'main', 'resources', 'schemas');
const JVM_FLAGS = ['--add-modules', 'java.se', '--add-exports', 'java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens', 'java.base/java.lang=ALL-UNNAMED', '--add-opens', 'java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens', 'java.management/sun.management=ALL-UNNAMED',
  '--add-opens', 'jdk.management/com.sun.management.internal=ALL-UNNAMED'];

let node;
let dir;
let bridgePort;
let httpPort;
let admin;
let user;

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function login(email, password) {
  const response = await fetch(`http://127.0.0.1:${httpPort}/api/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert.equal(response.status, 200, `login ${email}`);
  return response.json();
}

/** The required fields of a schema in bus-contracts, present in value. */
function assertRequired(schemaFile, value) {
  const schema = JSON.parse(readFileSync(join(schemas, schemaFile), 'utf8'));
  for (const field of schema.required) assert.ok(field in value, `${schemaFile}: ${field} missing in ${JSON.stringify(value)}`);
}

before(async () => {
  assert.equal(typeof WebSocket, 'function', 'no WebSocket client: run node with --experimental-websocket (Node 20)');
  assert.ok(existsSync(jar), `build the node jar first (mvn -B package -DskipTests): ${jar}`);
  dir = mkdtempSync(join(tmpdir(), 'apex-bridge-test-'));
  [bridgePort, httpPort] = [await freePort(), await freePort()];
  const [pgPort, redisPort] = [await freePort(), await freePort()];
  node = spawn('java', [...JVM_FLAGS, '-jar', jar, 'up', '--port', String(httpPort),
    '--set', `inspector.port=${bridgePort}`, '--set', `dev_services.dir=${dir}`,
    '--set', `dev_services.pg_port=${pgPort}`, '--set', `dev_services.redis_port=${redisPort}`,
    '--set', 'demo.rows_per_day=50', '--set', 'stages.anomaly.enabled=true'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    node.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Apex is up')) resolve();
    });
    node.stderr.on('data', (chunk) => { output += chunk; });
    node.on('exit', (code) => reject(new Error(`the node exited (${code}):\n${output}`)));
  });
  admin = (await login('ops@apex.dev', 'apex-ops-2026')).access_token;
  user = await login('demo@apex.dev', 'apex-demo-2026');
}, { timeout: 300_000 });

after(async () => {
  if (node && node.exitCode === null) {
    const exited = new Promise((resolve) => node.on('exit', resolve));
    node.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Asks the question in the chat over /ws, as the browser does; resolves with the run's frames up to its end. */
async function chat(text) {
  const response = await fetch(`http://127.0.0.1:${httpPort}/api/ws-ticket`, {
    method: 'POST', headers: { Authorization: `Bearer ${user.access_token}` } });
  assert.equal(response.status, 200, 'ws-ticket');
  const { ticket } = await response.json();
  const socket = new WebSocket(`ws://127.0.0.1:${httpPort}/ws?ticket=${ticket}`);
  const frames = [];
  return new Promise((resolve, reject) => {
    socket.onmessage = (message) => {
      const frame = JSON.parse(message.data);
      if (frame.type === 'connection_ready') {
        socket.send(JSON.stringify({ type: 'user_message', client_msg_id: crypto.randomUUID(), text }));
      } else if (frame.type === 'error') {
        reject(new Error(`error frame: ${message.data}`));
      } else if (frame.run_id) {
        frames.push(frame);
        if (frame.type === 'run_completed' || frame.type === 'run_failed') {
          socket.close();
          resolve(frames);
        }
      }
    };
    socket.onclose = (event) => reject(new Error(`socket closed ${event.code} before the run ended`));
  });
}

/** As the report prints money (Usd.format): $1,234.56. */
function usd(x) {
  return `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Waits until the inspector withdrew the anomaly stage's record (its connection closed). */
async function untilWithdrawn(caller) {
  let services;
  do {
    services = (await caller.request('apex.inspector.services', {})).body.services;
  } while (services.some((s) => s.name === 'anomaly'));
}

function stageRequest(question) {
  return { run: { run_id: crypto.randomUUID(), thread_id: crypto.randomUUID(), user_id: user.user_id }, question };
}

test('requests the triage stage and gets a TriageResult', async () => {
  const bus = await BusClient.connect({ port: bridgePort, token: admin });
  try {
    const reply = await bus.request('apex.stage.triage', stageRequest('Analyze my AI costs for the last 30 days'));
    assertRequired('stage/triage-result.json', reply.body);
    assert.equal(reply.body.intent, 'cost_analysis');
  } finally {
    bus.close();
  }
});

test('tails the tap: the stage request and its reply are mirrored', async () => {
  const bus = await BusClient.connect({ port: bridgePort, token: admin });
  try {
    const seen = [];
    let done;
    const both = new Promise((resolve) => { done = resolve; });
    bus.register('apex.tap.events', (frame) => {
      if (frame.body.address === 'apex.stage.triage') seen.push(frame.body);
      if (seen.some((e) => e.kind === 'request') && seen.some((e) => e.kind === 'reply')) done();
    });
    await bus.confirm();
    const tap = await bus.request('apex.inspector.tap', { patterns: ['apex.stage.*'], duration_ms: 60000 });
    const request = stageRequest('Which model costs the most?');
    await bus.request('apex.stage.triage', request);
    await both;
    const mirrored = seen.find((e) => e.kind === 'request');
    assert.equal(mirrored.body.run.run_id, request.run.run_id);
    assert.ok(mirrored.node_id && mirrored.ts);
    await bus.request('apex.inspector.tap', { session: tap.body.session, off: true });
  } finally {
    bus.close();
  }
});

test('a frame without a valid token gets an err frame naming the problem', async () => {
  const bus = await BusClient.connect({ port: bridgePort, token: 'garbage' });
  try {
    await assert.rejects(bus.request('apex.inspector.services', {}), (e) => e.code === 'unauthorized');
  } finally {
    bus.close();
  }
  const demo = await BusClient.connect({ port: bridgePort, token: user.access_token });
  try {
    await assert.rejects(demo.request('apex.inspector.services', {}),
      (e) => e.code === 'forbidden' && e.message.includes('needs the operator role'));
  } finally {
    demo.close();
  }
});

test('a stage served from Node.js is announced while connected and answers through the bus', { timeout: 60_000 }, async () => {
  const stage = await BusClient.connect({ port: bridgePort, token: admin });
  const caller = await BusClient.connect({ port: bridgePort, token: admin });
  try {
    await serve(stage);
    const services = (await caller.request('apex.inspector.services', {})).body.services;
    const record = services.find((s) => s.name === 'anomaly');
    assert.ok(record && record.external && record.live, JSON.stringify(services));
    assert.equal(record.address, ANOMALY);

    const days = Array.from({ length: 14 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`,
      requests: 100, cost_usd: i === 9 ? 95 : 10 + (i % 3) }));
    const reply = await caller.request(ANOMALY, { ...stageRequest('Any spikes?'), data: { by_day: days } });
    assertRequired('stage/anomaly-result.json', reply.body);
    assert.deepEqual(reply.body.anomalies.map((a) => a.day), ['2026-11-10']);

    await assert.rejects(caller.request(ANOMALY, stageRequest('no data')), (e) => e.message.includes('data.by_day'));
  } finally {
    stage.close();
  }
  try {
    await untilWithdrawn(caller);
  } finally {
    caller.close();
  }
});

test('a chat run asks the Node.js anomaly stage, and its days reach the report', { timeout: 120_000 }, async () => {
  const stage = await BusClient.connect({ port: bridgePort, token: admin });
  const answers = [];
  try {
    await serve(stage, (request, answer) => answers.push({ request, answer }));
    const frames = await chat('Any spikes in my AI spend over the last 30 days?');
    const end = frames.at(-1);
    assert.equal(end.type, 'run_completed', JSON.stringify(end));
    assert.equal(end.degraded, false, JSON.stringify(end.degraded_reasons));

    const asked = answers.filter((a) => a.request.run.run_id === end.run_id);
    assert.equal(asked.length, 1, 'the supervisor asked the stage once for the run');
    const { request, answer } = asked[0];
    const tool = frames.find((f) => f.type === 'tool_completed' && f.tool === 'anomaly_stage');
    assert.equal(tool.agent, 'supervisor');
    assert.equal(tool.result.source, 'apex.stage.anomaly');
    assert.deepEqual(tool.result.days, answer.anomalies.map((a) => a.day));

    // The Java data stage found other days (or other baselines) on this data, so the report can tell them apart.
    const picked = (list) => list.map((a) => `${a.day} ${a.baseline_usd}`);
    assert.notDeepEqual(picked(answer.anomalies), picked(request.data.anomalies), 'both detectors agree on this data');
    const largest = [...answer.anomalies].sort((a, b) => b.excess_usd - a.excess_usd)[0];
    const lead = largest
      ? `the largest, ${largest.day}, cost ${usd(largest.cost_usd)} against a baseline of ${usd(largest.baseline_usd)}`
      : "No day's cost stood out";
    assert.ok(end.final_response.includes(lead), `"${lead}" in the report:\n${end.final_response}`);
  } finally {
    stage.close();
  }
});

test('with the anomaly stage enabled but not connected, the run is degraded and says why', { timeout: 120_000 }, async () => {
  const caller = await BusClient.connect({ port: bridgePort, token: admin });
  try {
    await untilWithdrawn(caller);
  } finally {
    caller.close();
  }
  const frames = await chat('Analyze my AI costs for the last 30 days');
  const end = frames.at(-1);
  assert.equal(end.type, 'run_completed', JSON.stringify(end));
  assert.equal(end.degraded, true);
  const reason = end.degraded_reasons.find((d) => d.agent === 'anomaly');
  assert.ok(reason, JSON.stringify(end.degraded_reasons));
  assert.equal(reason.fallback, 'data-anomalies');
  assert.match(reason.reason, /apex\.stage\.anomaly/);
  const tool = frames.find((f) => f.type === 'tool_completed' && f.tool === 'anomaly_stage');
  assert.equal(tool.result.source, 'data-anomalies');
});
