// A client of the Apex inspector's TCP event-bus bridge, with no dependency beyond Node.js itself.
// The wire protocol (docs/POLYGLOT.md): each frame is a 4-byte big-endian length, then that many
// bytes of UTF-8 JSON. Every frame carries the access token in headers.token.
import net from 'node:net';
import { randomUUID } from 'node:crypto';

export class BusClient {
  #socket;
  #buffer = Buffer.alloc(0);
  #pending = new Map();   // replyAddress -> {resolve, reject, timer}
  #handlers = new Map();  // address -> handler(frame)
  #control = [];          // waiters for pong / err frames without a reply address

  constructor(socket, token) {
    this.#socket = socket;
    this.token = token;
    socket.on('data', (chunk) => this.#read(chunk));
    socket.on('close', () => {
      const closed = new Error('the bridge closed the connection');
      this.#pending.forEach((p) => { clearTimeout(p.timer); p.reject(closed); });
      this.#pending.clear();
      this.#control.splice(0).forEach((w) => w.reject(closed));
    });
  }

  /** Connects to the bridge at host:port; rejects with the socket error (e.g. ECONNREFUSED). */
  static connect({ host = '127.0.0.1', port = 7001, token }) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new BusClient(socket, token));
      });
      socket.once('error', reject);
    });
  }

  #write(frame) {
    const json = Buffer.from(JSON.stringify({ ...frame, headers: { ...(frame.headers || {}), token: this.token } }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    this.#socket.write(Buffer.concat([length, json]));
  }

  #read(chunk) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32BE(0);
      if (this.#buffer.length < 4 + length) return;
      const frame = JSON.parse(this.#buffer.subarray(4, 4 + length).toString('utf8'));
      this.#buffer = this.#buffer.subarray(4 + length);
      this.#dispatch(frame);
    }
  }

  #dispatch(frame) {
    const waiting = frame.address && this.#pending.get(frame.address);
    if (waiting) {
      this.#pending.delete(frame.address);
      clearTimeout(waiting.timer);
      if (frame.type === 'err') waiting.reject(BusError.of(frame));
      else waiting.resolve(frame);
      return;
    }
    if (frame.type === 'pong' || frame.type === 'err') {
      const waiter = this.#control.shift();
      if (waiter) {
        if (frame.type === 'err') waiter.reject(BusError.of(frame));
        else waiter.resolve();
      }
      return;
    }
    const handler = frame.address && this.#handlers.get(frame.address);
    if (handler) handler(frame);
  }

  /** Sends body to address and resolves with the reply frame ({body, headers, replyAddress?}). */
  request(address, body, { timeoutMs = 10000, headers } = {}) {
    const replyAddress = `node-client.${randomUUID()}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(replyAddress);
        reject(new BusError('timeout', `no answer from ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(replyAddress, { resolve, reject, timer });
      this.#write({ type: 'send', address, replyAddress, body, headers });
    });
  }

  publish(address, body) {
    this.#write({ type: 'publish', address, body });
  }

  /** Answers a message delivered to a registered handler (frame.replyAddress). */
  reply(frame, body) {
    this.#write({ type: 'send', address: frame.replyAddress, body });
  }

  /** Fails a message delivered to a registered handler, with an Apex error code (docs/PROTOCOL.md). */
  fail(frame, failureCode, message) {
    this.#write({ type: 'send', address: frame.replyAddress, failureCode, message });
  }

  /** Delivers every message on address to handler(frame). */
  register(address, handler) {
    this.#handlers.set(address, handler);
    this.#write({ type: 'register', address });
  }

  unregister(address) {
    this.#handlers.delete(address);
    this.#write({ type: 'unregister', address });
  }

  /** Resolves once the bridge handled every frame sent before; rejects with its refusal of one of them. */
  confirm() {
    return new Promise((resolve, reject) => {
      this.#control.push({ resolve, reject });
      this.#write({ type: 'ping' });
    });
  }

  close() {
    this.#socket.end();
  }
}

export class BusError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }

  /** An err frame: the gate's code (unauthorized, forbidden …), or the bus's failure type. */
  static of(frame) {
    const code = frame.code
      || (frame.failureType === 'NO_HANDLERS' ? 'no_handlers' : frame.failureType === 'TIMEOUT' ? 'timeout' : 'failed');
    return new BusError(code, `${code}: ${frame.message}`);
  }
}
