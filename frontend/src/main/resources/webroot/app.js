// Apex browser chat. Plain ES2020, no framework, no build step.
// Protocol: bus-contracts/src/main/resources/schemas/browser/*.json and run/run-event.json.
// Everything put into the page is set with textContent, except the final answer, which is
// markdown rendered by marked and then sanitized by DOMPurify before it reaches innerHTML.
'use strict';

(() => {
  const SESSION_KEY = 'apex.session';
  const PASSWORD_MIN_SIGNUP = 10;
  const MESSAGE_MAX = 4000; // client-frame.json: user_message.text maxLength
  const PING_INTERVAL_MS = 25000;
  const ACCEPT_TIMEOUT_MS = 20000;
  const RECONNECT_DELAYS_MS = [1000, 2000, 4000, 8000, 15000];
  const RUN_EVENT_TYPES = new Set(['agent_started', 'agent_thinking', 'tool_executing',
    'tool_completed', 'agent_completed', 'run_completed', 'run_failed']);

  const $ = (id) => document.getElementById(id);
  const el = {
    loginView: $('login-view'), loginForm: $('login-form'), loginTitle: $('login-title'),
    email: $('email'), password: $('password'), passwordHint: $('password-hint'),
    loginError: $('login-error'), loginSubmit: $('login-submit'),
    modeQuestion: $('mode-question'), modeToggle: $('mode-toggle'),
    sessionBar: $('session-bar'), status: $('status'), statusDetail: $('status-detail'), who: $('who'),
    newThread: $('new-thread'), logout: $('logout'),
    chatView: $('chat-view'), alerts: $('alerts'),
    answer: $('answer'), answerEmpty: $('answer-empty'),
    composer: $('composer'), message: $('message'), send: $('send'),
    timeline: $('timeline'), timelineEmpty: $('timeline-empty'),
  };

  // ---------------------------------------------------------------- state

  let session = null;          // {access_token, user_id, email, expires_at}
  let signupMode = false;

  const conn = {
    ws: null,
    generation: 0,             // bumped by disconnect(), so a connect() in flight knows to give up
    fetchingTicket: false,
    ready: false,              // true between connection_ready and close
    intentionalClose: false,
    attempt: 0,
    reconnectTimer: null,
    pingTimer: null,
  };

  const chat = {
    threadId: null,            // kept after the first run_accepted so follow-ups stay in the thread
    pending: null,             // {frame, turn, timer, resent}: sent, waiting for run_accepted
    turnsByClientMsgId: new Map(),
    runs: new Map(),           // run_id -> {turn, group, list, seen:Set<seq>, finished}
    // Runs (and not-yet-accepted messages) left behind by "New conversation": their late frames
    // still arrive on this socket and must not resurface in the fresh conversation.
    dismissedRuns: new Set(),
    dismissedMsgIds: new Set(),
  };

  // ---------------------------------------------------------------- helpers

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // crypto.randomUUID exists only in secure contexts (https or localhost); getRandomValues works
  // everywhere, so a page opened over plain http on a LAN address can still send messages.
  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function clock(ts) {
    const d = ts ? new Date(ts) : new Date();
    if (Number.isNaN(d.getTime())) return String(ts);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  }

  function duration(ms) {
    if (typeof ms !== 'number') return '';
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
  }

  function truncate(s, max) {
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  }

  // A one-line summary of a parameters/result object: `window=30d, models=[3 items], …`.
  function summarize(value, max = 140) {
    if (value === null || value === undefined) return '';
    if (typeof value !== 'object') return truncate(String(value), max);
    const parts = Object.entries(value).map(([k, v]) => `${k}=${scalar(v)}`);
    return truncate(parts.join(', '), max);
  }

  function scalar(v) {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return truncate(v, 40);
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
    if (typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) {
      const flat = v.every((x) => x === null || typeof x !== 'object');
      return flat && v.length <= 3 ? `[${v.map(scalar).join(', ')}]` : `[${v.length} items]`;
    }
    return truncate(JSON.stringify(v), 40);
  }

  // ---------------------------------------------------------------- REST

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, { body, token } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let res;
    try {
      res = await fetch(path, {
        method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin', cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check that Apex is running.');
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = (data && data.error) || {};
      throw new ApiError(res.status, err.code || `HTTP_${res.status}`,
        err.message || `The server answered ${res.status}.`);
    }
    return data;
  }

  // ---------------------------------------------------------------- session

  function loadSession() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      if (s && s.access_token && (!s.expires_at || s.expires_at > Date.now())) return s;
    } catch (e) { /* unreadable storage: start logged out */ }
    sessionStorage.removeItem(SESSION_KEY);
    return null;
  }

  function saveSession(tokens, email) {
    session = {
      access_token: tokens.access_token,
      user_id: tokens.user_id,
      email,
      expires_at: Date.now() + (tokens.expires_in || 0) * 1000,
    };
    try { sessionStorage.setItem(SESSION_KEY, JSON.stringify(session)); } catch (e) { /* memory only */ }
  }

  function logout(reason) {
    session = null;
    try { sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* ignore */ }
    disconnect();
    resetChat();
    showLogin(reason);
  }

  // ---------------------------------------------------------------- views

  function showLogin(reason) {
    el.chatView.hidden = true;
    el.sessionBar.hidden = true;
    el.loginView.hidden = false;
    el.loginError.textContent = reason || '';
    el.password.value = '';
    el.loginSubmit.disabled = false;
    (el.email.value ? el.password : el.email).focus();
  }

  function showChat() {
    el.loginView.hidden = true;
    el.chatView.hidden = false;
    el.sessionBar.hidden = false;
    el.who.textContent = session.email ? `Signed in as ${session.email}` : '';
    el.message.focus();
    connect();
  }

  function setSignupMode(on) {
    signupMode = on;
    el.loginTitle.textContent = on ? 'Create account' : 'Log in';
    el.loginSubmit.textContent = on ? 'Create account' : 'Log in';
    el.modeQuestion.textContent = on ? 'Already have an account?' : 'No account yet?';
    el.modeToggle.textContent = on ? 'Log in instead' : 'Create account';
    el.password.autocomplete = on ? 'new-password' : 'current-password';
    if (on) el.password.minLength = PASSWORD_MIN_SIGNUP; else el.password.removeAttribute('minlength');
    el.passwordHint.hidden = !on;
    el.loginError.textContent = '';
  }

  async function onLoginSubmit(event) {
    event.preventDefault();
    const email = el.email.value.trim();
    const password = el.password.value;
    if (!email || !email.includes('@')) return loginError('Enter your email address.', el.email);
    if (!password) return loginError('Enter your password.', el.password);
    if (signupMode && password.length < PASSWORD_MIN_SIGNUP) {
      return loginError(`Choose a password of at least ${PASSWORD_MIN_SIGNUP} characters.`, el.password);
    }
    el.loginSubmit.disabled = true;
    el.loginError.textContent = '';
    try {
      const tokens = await api(signupMode ? '/api/auth/signup' : '/api/auth/login', { body: { email, password } });
      saveSession(tokens, email);
      el.password.value = '';
      showChat();
    } catch (e) {
      loginError(e.status === 401 && !signupMode ? 'Wrong email or password.' : e.message, el.password);
    } finally {
      el.loginSubmit.disabled = false;
    }
  }

  function loginError(text, focus) {
    el.loginError.textContent = text;
    if (focus) focus.focus();
  }

  // ---------------------------------------------------------------- connection

  // #status holds only the state word (connecting, connected, reconnecting, disconnected) so a
  // test can compare it exactly; the why goes beside it.
  function setStatus(state, detail) {
    el.status.dataset.state = state;
    el.status.textContent = state;
    el.statusDetail.textContent = detail || '';
    updateSendEnabled();
  }

  function wsUrl(ticket) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.host}/ws?ticket=${encodeURIComponent(ticket)}`;
  }

  async function connect() {
    clearTimeout(conn.reconnectTimer);
    conn.reconnectTimer = null;
    if (!session || conn.ws || conn.fetchingTicket) return;
    const generation = conn.generation;
    conn.intentionalClose = false;
    setStatus(conn.attempt === 0 ? 'connecting' : 'reconnecting');
    let ticket;
    conn.fetchingTicket = true;
    try {
      // Tickets are single use: every (re)connect asks for a fresh one.
      ticket = (await api('/api/ws-ticket', { token: session.access_token })).ticket;
    } catch (e) {
      if (generation !== conn.generation || !session) return;
      if (e.status === 401) return logout('Your session has expired. Please log in again.');
      return scheduleReconnect(e.message);
    } finally {
      conn.fetchingTicket = false;
    }
    if (generation !== conn.generation || !session || conn.ws) return;
    const ws = new WebSocket(wsUrl(ticket));
    conn.ws = ws;
    ws.addEventListener('message', (ev) => { if (conn.ws === ws) onFrameText(ev.data); });
    ws.addEventListener('close', (ev) => onSocketClose(ws, ev));
  }

  function onSocketClose(ws, ev) {
    if (conn.ws !== ws) return;
    conn.ws = null;
    conn.ready = false;
    clearInterval(conn.pingTimer);
    if (conn.intentionalClose || !session) { setStatus('disconnected'); return; }
    if (chat.pending) { // its acknowledgement cannot come now; it is sent again on reconnect
      clearTimeout(chat.pending.timer);
      setTurnStatus(chat.pending.turn, 'Waiting for the connection…');
    }
    const why = ev.code === 1008 ? 'refused by the server' : ev.code === 1009 ? 'message too big' : `code ${ev.code}`;
    scheduleReconnect(`connection lost, ${why}`);
  }

  function scheduleReconnect(detail) {
    const delay = RECONNECT_DELAYS_MS[Math.min(conn.attempt, RECONNECT_DELAYS_MS.length - 1)];
    conn.attempt += 1;
    setStatus('reconnecting', `${detail}; retrying in ${Math.round(delay / 1000)} s`);
    clearTimeout(conn.reconnectTimer);
    conn.reconnectTimer = setTimeout(connect, delay);
  }

  function disconnect() {
    conn.generation += 1;
    conn.intentionalClose = true;
    clearTimeout(conn.reconnectTimer);
    clearInterval(conn.pingTimer);
    conn.reconnectTimer = null;
    conn.attempt = 0;
    conn.ready = false;
    const ws = conn.ws;
    conn.ws = null;
    if (ws) ws.close(1000, 'logout');
    setStatus('disconnected');
  }

  function sendFrame(frame) {
    if (!conn.ws || conn.ws.readyState !== WebSocket.OPEN) return false;
    conn.ws.send(JSON.stringify(frame));
    return true;
  }

  function onConnectionReady() {
    conn.ready = true;
    conn.attempt = 0;
    setStatus('connected');
    clearInterval(conn.pingTimer);
    conn.pingTimer = setInterval(() => sendFrame({ type: 'ping' }), PING_INTERVAL_MS);
    // A message sent just before the socket dropped may or may not have reached the server;
    // the supervisor's start is idempotent on client_msg_id, so sending it again is safe.
    if (chat.pending) {
      chat.pending.resent = true;
      sendFrame(chat.pending.frame);
      armAcceptTimeout(chat.pending);
    }
    // Ask for whatever events of unfinished runs were missed while disconnected.
    for (const [runId, run] of chat.runs) {
      if (!run.finished) sendFrame({ type: 'resume', run_id: runId, after_seq: contiguousSeq(run) });
    }
  }

  // ---------------------------------------------------------------- frames

  function onFrameText(text) {
    let frame;
    try { frame = JSON.parse(text); } catch (e) { return console.warn('apex: non-JSON frame ignored', text); }
    if (!frame || typeof frame.type !== 'string') return console.warn('apex: frame without type ignored', frame);
    switch (frame.type) {
      case 'connection_ready': return onConnectionReady();
      case 'run_accepted': return onRunAccepted(frame);
      case 'error': return onErrorFrame(frame);
      case 'pong': return undefined;
      default:
        if (RUN_EVENT_TYPES.has(frame.type)) return onRunEvent(frame);
        return console.warn('apex: unknown frame type', frame.type);
    }
  }

  function onRunAccepted(frame) {
    if (chat.dismissedMsgIds.has(frame.client_msg_id)) { // sent, then "New conversation" was pressed
      chat.dismissedMsgIds.delete(frame.client_msg_id);
      if (frame.run_id) chat.dismissedRuns.add(frame.run_id);
      return;
    }
    chat.threadId = frame.thread_id || chat.threadId;
    const turn = chat.turnsByClientMsgId.get(frame.client_msg_id);
    let resent = false;
    if (chat.pending && chat.pending.frame.client_msg_id === frame.client_msg_id) {
      clearTimeout(chat.pending.timer);
      resent = Boolean(chat.pending.resent);
      chat.pending = null;
    }
    const run = ensureRun(frame.run_id, turn);
    // A message re-sent after a reconnect is answered with its original run_accepted, but the
    // run may have been emitting (or even finished) while the socket was down, and the server
    // only streams live events: ask for the ones this page has not seen.
    if (resent && !run.finished) sendFrame({ type: 'resume', run_id: frame.run_id, after_seq: contiguousSeq(run) });
    if (turn) {
      turn.dataset.runId = frame.run_id;
      if (!run.finished) setTurnStatus(turn, 'Accepted, starting…');
    }
    updateSendEnabled();
  }

  function onErrorFrame(frame) {
    const text = `${frame.message || 'Something went wrong.'} (${frame.code || 'ERROR'})`;
    showAlert(text);
    // An error while a message waits for its run_accepted is the server refusing that message.
    const p = chat.pending;
    if (p && (!frame.ref || frame.ref === p.frame.client_msg_id)) {
      clearTimeout(p.timer);
      chat.pending = null;
      failTurn(p.turn, `Not sent: ${text}`);
      if (!el.message.value) el.message.value = p.frame.text;
      updateSendEnabled();
    }
  }

  function onRunEvent(ev) {
    if (typeof ev.run_id !== 'string' || !Number.isInteger(ev.seq)) {
      return console.warn('apex: run event without run_id/seq ignored', ev);
    }
    if (chat.dismissedRuns.has(ev.run_id)) return undefined;
    const run = ensureRun(ev.run_id, null);
    if (run.seen.has(ev.seq)) return undefined; // delivered twice (resume, reconnect): show once
    run.seen.add(ev.seq);
    insertBySeq(run.list, renderEvent(ev));
    if (run.turn) setTurnStatus(run.turn, `${ev.agent || 'agent'}: ${describe(ev)}`);
    if (ev.type === 'run_completed') finishRun(run, ev);
    if (ev.type === 'run_failed') {
      run.finished = true;
      if (run.turn) failTurn(run.turn, `The analysis failed: ${ev.message} (${ev.code})`);
      showAlert(`Run failed: ${ev.message} (${ev.code})`);
    }
    keepScrolledToEnd(el.timeline);
    return undefined;
  }

  function contiguousSeq(run) {
    let n = 0;
    while (run.seen.has(n + 1)) n += 1;
    return n;
  }

  // ---------------------------------------------------------------- conversation

  function addTurn(text, clientMsgId) {
    el.answerEmpty.hidden = true;
    const turn = make('article', 'turn');
    turn.dataset.clientMsgId = clientMsgId;
    turn.append(make('p', 'question', text));
    const status = make('p', 'turn-status', 'Sending…');
    turn.append(status);
    el.answer.append(turn);
    chat.turnsByClientMsgId.set(clientMsgId, turn);
    keepScrolledToEnd(el.answer, true);
    return turn;
  }

  function setTurnStatus(turn, text) {
    const status = turn.querySelector('.turn-status');
    if (status) status.textContent = text;
  }

  function failTurn(turn, text) {
    const status = turn.querySelector('.turn-status');
    if (status) status.remove();
    turn.append(make('p', 'turn-error', text));
  }

  function finishRun(run, ev) {
    run.finished = true;
    let turn = run.turn;
    if (!turn) { // a run this page did not start (another tab, or after a reload)
      turn = make('article', 'turn');
      el.answerEmpty.hidden = true;
      el.answer.append(turn);
      run.turn = turn;
    }
    turn.dataset.runId = ev.run_id;
    const status = turn.querySelector('.turn-status');
    if (status) status.remove();
    if (ev.degraded) {
      turn.append(make('p', 'degraded', 'Some steps used a fallback, so parts of this answer are approximate.'));
    }
    const body = make('div', 'answer markdown');
    body.dataset.runId = ev.run_id;
    renderMarkdown(body, ev.final_response || '');
    turn.append(body);
    revealStart(el.answer, turn);
  }

  // Scroll a scrolling container so that `child` starts at its top: a long report is read from
  // its title and summary, not from its last paragraph.
  function revealStart(container, child) {
    if (container.scrollHeight <= container.clientHeight) return;
    const offset = child.getBoundingClientRect().top - container.getBoundingClientRect().top;
    container.scrollTop = Math.max(0, container.scrollTop + offset - 8);
  }

  function renderMarkdown(target, markdown) {
    if (window.marked && window.DOMPurify) {
      target.innerHTML = window.DOMPurify.sanitize(window.marked.parse(markdown, { gfm: true }));
      return;
    }
    // The renderer scripts did not load: say so and show the text as it is, never unsanitized HTML.
    target.append(make('p', 'turn-error', 'The markdown renderer did not load; showing plain text.'));
    target.append(make('pre', 'plain-answer', markdown));
  }

  // ---------------------------------------------------------------- timeline

  function ensureRun(runId, turn) {
    let run = chat.runs.get(runId);
    if (!run) {
      el.timelineEmpty.hidden = true;
      // Earlier runs fold away so the live one stays in view.
      for (const other of chat.runs.values()) other.group.open = false;
      const group = make('details', 'run');
      group.open = true;
      group.dataset.runId = runId;
      const question = turn ? turn.querySelector('.question') : null;
      const summary = make('summary', 'run-title',
        question ? `Run: ${truncate(question.textContent, 80)}` : `Run ${runId}`);
      const list = make('ol', 'events');
      group.append(summary, list);
      el.timeline.append(group);
      run = { turn: turn || null, group, list, seen: new Set(), finished: false };
      chat.runs.set(runId, run);
    } else if (turn && !run.turn) { // events came before run_accepted (reconnect): adopt the turn
      run.turn = turn;
      const question = turn.querySelector('.question');
      if (question) run.group.querySelector('.run-title').textContent = `Run: ${truncate(question.textContent, 80)}`;
    }
    return run;
  }

  function insertBySeq(list, item) {
    const seq = Number(item.dataset.seq);
    const after = Array.from(list.children).find((li) => Number(li.dataset.seq) > seq);
    list.insertBefore(item, after || null);
  }

  function renderEvent(ev) {
    const li = make('li', `event event-${ev.type}`);
    li.dataset.type = ev.type;
    li.dataset.agent = ev.agent || '';
    li.dataset.seq = String(ev.seq);
    li.dataset.runId = ev.run_id;
    if (ev.status) li.dataset.status = ev.status;

    const time = make('time', 'ev-time', clock(ev.ts));
    if (ev.ts) time.dateTime = ev.ts;
    const seq = make('span', 'ev-seq', `#${ev.seq}`);
    seq.title = 'sequence number in this run';
    li.append(seq, time, make('span', 'ev-agent', ev.agent || ''), make('span', 'ev-type', ev.type.replace(/_/g, ' ')));
    li.append(make('span', 'ev-text', describe(ev)));
    if (ev.type === 'agent_thinking' && typeof ev.progress === 'number') {
      const bar = make('progress', 'ev-progress');
      bar.max = 1;
      bar.value = Math.max(0, Math.min(1, ev.progress));
      bar.setAttribute('aria-label', `${ev.agent} progress ${Math.round(bar.value * 100)}%`);
      li.append(bar);
    }
    return li;
  }

  // The short human text of one run event.
  function describe(ev) {
    switch (ev.type) {
      case 'agent_started': {
        const plan = Array.isArray(ev.plan) && ev.plan.length ? `; plan: ${ev.plan.join(' → ')}` : '';
        return `started${typeof ev.stage_index === 'number' ? ` (stage ${ev.stage_index})` : ''}${plan}`;
      }
      case 'agent_thinking': {
        const pct = typeof ev.progress === 'number' ? ` (${Math.round(ev.progress * 100)}%)` : '';
        return `${ev.reasoning || ''}${pct}`;
      }
      case 'tool_executing': {
        const params = summarize(ev.parameters);
        return `${ev.tool}(${params})`;
      }
      case 'tool_completed': {
        const result = summarize(ev.result);
        return `${ev.tool} done in ${duration(ev.duration_ms)}${result ? `: ${result}` : ''}`;
      }
      case 'agent_completed': {
        const reason = ev.reason ? `: ${ev.reason}` : '';
        return `${ev.status} in ${duration(ev.duration_ms)}${reason}`;
      }
      case 'run_completed':
        return ev.degraded ? 'answer ready (degraded: some steps used fallbacks)' : 'answer ready';
      case 'run_failed':
        return `failed: ${ev.message} (${ev.code})`;
      default:
        return '';
    }
  }

  function keepScrolledToEnd(container, force) {
    const nearEnd = container.scrollHeight - container.scrollTop - container.clientHeight < 120;
    if (force || nearEnd) container.scrollTop = container.scrollHeight;
  }

  // ---------------------------------------------------------------- alerts

  function showAlert(text) {
    const item = make('div', 'alert');
    item.append(make('span', 'alert-text', text));
    const close = make('button', 'link alert-close', 'Dismiss');
    close.type = 'button';
    close.setAttribute('aria-label', `Dismiss: ${text}`);
    close.addEventListener('click', () => item.remove());
    item.append(close);
    el.alerts.append(item);
    while (el.alerts.children.length > 5) el.alerts.firstElementChild.remove();
  }

  // ---------------------------------------------------------------- sending

  function updateSendEnabled() {
    const busy = Boolean(chat.pending);
    el.send.disabled = !conn.ready || busy;
    for (const b of document.querySelectorAll('.example')) b.disabled = !conn.ready || busy;
  }

  function sendMessage(raw) {
    const text = raw.trim();
    if (!text) return;
    if (text.length > MESSAGE_MAX) return showAlert(`Questions are limited to ${MESSAGE_MAX} characters.`);
    if (!conn.ready) return showAlert('Not connected yet; your message was not sent.');
    if (chat.pending) return undefined;
    const frame = { type: 'user_message', client_msg_id: uuid(), text };
    if (chat.threadId) frame.thread_id = chat.threadId;
    const turn = addTurn(text, frame.client_msg_id);
    if (!sendFrame(frame)) {
      failTurn(turn, 'Not sent: the connection is down.');
      return undefined;
    }
    chat.pending = { frame, turn, timer: null };
    armAcceptTimeout(chat.pending);
    el.message.value = '';
    updateSendEnabled();
    return undefined;
  }

  function armAcceptTimeout(pending) {
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      if (chat.pending !== pending) return;
      chat.pending = null;
      failTurn(pending.turn, 'The server did not acknowledge this message. Try again.');
      if (!el.message.value) el.message.value = pending.frame.text;
      updateSendEnabled();
    }, ACCEPT_TIMEOUT_MS);
  }

  function resetChat() {
    if (chat.pending) {
      clearTimeout(chat.pending.timer);
      chat.dismissedMsgIds.add(chat.pending.frame.client_msg_id);
    }
    for (const [runId, run] of chat.runs) if (!run.finished) chat.dismissedRuns.add(runId);
    chat.threadId = null;
    chat.pending = null;
    chat.turnsByClientMsgId.clear();
    chat.runs.clear();
    for (const node of Array.from(el.answer.children)) if (node !== el.answerEmpty) node.remove();
    for (const node of Array.from(el.timeline.children)) if (node !== el.timelineEmpty) node.remove();
    el.alerts.replaceChildren();
    el.answerEmpty.hidden = false;
    el.timelineEmpty.hidden = false;
    el.message.value = '';
    updateSendEnabled();
  }

  // ---------------------------------------------------------------- wiring

  el.loginForm.addEventListener('submit', onLoginSubmit);
  el.modeToggle.addEventListener('click', () => setSignupMode(!signupMode));
  el.logout.addEventListener('click', () => logout(''));
  el.newThread.addEventListener('click', () => { resetChat(); el.message.focus(); });
  el.composer.addEventListener('submit', (e) => { e.preventDefault(); sendMessage(el.message.value); });
  el.message.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendMessage(el.message.value);
    }
  });
  for (const b of document.querySelectorAll('.example')) {
    b.addEventListener('click', () => sendMessage(b.dataset.example));
  }
  window.addEventListener('online', () => { if (session && !conn.ws) connect(); });

  session = loadSession();
  if (session) showChat(); else showLogin('');
})();
