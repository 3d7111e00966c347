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
    conversation: $('conversation'), dropHint: $('drop-hint'),
    uploadInput: $('upload-input'), uploadButton: $('upload-button'),
    uploadProgress: $('upload-progress'), uploadPercent: $('upload-percent'),
    uploadStatus: $('upload-status'), uploadServer: $('upload-server'), uploadResult: $('upload-result'),
    uploads: $('uploads'), uploadsEmpty: $('uploads-empty'), uploadsTitle: $('uploads-title'),
  };

  // ---------------------------------------------------------------- state

  // {access_token, user_id, email, expires_at, refresh_at, refresh_token, refresh_expires_at}
  // (times in epoch ms), mirrored in sessionStorage under SESSION_KEY.
  let session = null;
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
    renewing: false,           // reconnecting after token_expired
    socketToken: null,         // the access token the current socket's ticket was bought with
    resyncTimer: null,         // re-send after a frame-level rate_limited
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
    constructor(status, code, message, retryAfterMs) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfterMs = retryAfterMs; // set on 429 rate_limited
    }
  }

  // How long a 429 asks us to wait: the body's retry_after_ms, else the Retry-After header
  // (seconds), else one second.
  function retryAfterOf(res, err) {
    const ms = Number(err && err.retry_after_ms);
    if (Number.isFinite(ms) && ms >= 0) return ms;
    const secs = Number(res.headers.get('Retry-After'));
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    return 1000;
  }

  function seconds(ms) {
    return Math.max(1, Math.ceil(ms / 1000));
  }

  // One call (POST unless `method` says otherwise), no retries. `token` goes into Authorization;
  // a 204 answers null.
  async function request(path, { method = 'POST', body, token } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let res;
    try {
      res = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
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
        err.message || `The server answered ${res.status}.`,
        res.status === 429 ? retryAfterOf(res, err) : undefined);
    }
    return data;
  }

  function isStaleTokenError(e) {
    return e instanceof ApiError && e.status === 401 && (e.code === 'unauthorized' || e.code === 'token_expired');
  }

  // A call with the session's access token. A 401 `unauthorized` (or `token_expired`) while a
  // refresh token is stored refreshes once (shared with any refresh already in flight) and
  // retries the call once.
  async function authedApi(path, opts = {}) {
    if (!session) throw new ApiError(401, 'unauthorized', 'Not logged in.');
    const used = session.access_token;
    try {
      return await request(path, { ...opts, token: used });
    } catch (e) {
      if (!isStaleTokenError(e) || !session || !session.refresh_token) throw e;
      // Another path may have refreshed while this call was out: then just use the new token.
      if (session.access_token === used) await refreshSession();
      if (!session) throw e;
      return request(path, { ...opts, token: session.access_token });
    }
  }

  // ---------------------------------------------------------------- session

  const SESSION_ENDED = 'Your session ended; please log in again.';
  const SIGNED_OUT = 'You were signed out.';
  const ACCESS_TTL_DEFAULT_S = 900;
  const REFRESH_AT = 0.8;            // refresh when 80% of the access token's life has passed
  const REFRESH_RETRY_MS = 10000;    // after a refresh that failed without a 401
  const EXPIRY_MARGIN_MS = 5000;     // an access token this close to expiry counts as expired

  const auth = {
    epoch: 0,                  // bumped whenever the session ends: late refresh answers are dropped
    refreshing: null,          // the one refresh request in flight (its promise), or null
    refreshTimer: null,
  };

  function loadSession() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      if (s && s.access_token) {
        const now = Date.now();
        const accessOk = !s.expires_at || s.expires_at > now;
        const refreshOk = Boolean(s.refresh_token) && (!s.refresh_expires_at || s.refresh_expires_at > now);
        if (accessOk || refreshOk) return s;
      }
    } catch (e) { /* unreadable storage: start logged out */ }
    try { sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* ignore */ }
    return null;
  }

  // Stores a token response (login, signup or refresh) and schedules the next refresh.
  function saveSession(tokens, email) {
    const now = Date.now();
    const expiresIn = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : ACCESS_TTL_DEFAULT_S;
    const refreshIn = Number(tokens.refresh_expires_in);
    session = {
      access_token: tokens.access_token,
      user_id: tokens.user_id || (session && session.user_id) || null,
      email,
      expires_at: now + expiresIn * 1000,
      refresh_at: now + expiresIn * 1000 * REFRESH_AT,
      // Refresh tokens rotate: the one just used is spent, so never keep an old one.
      refresh_token: tokens.refresh_token || null,
      refresh_expires_at: refreshIn > 0 ? now + refreshIn * 1000 : null,
    };
    try { sessionStorage.setItem(SESSION_KEY, JSON.stringify(session)); } catch (e) { /* memory only */ }
    scheduleRefresh();
  }

  function accessExpiringSoon() {
    return Boolean(session && session.expires_at && session.expires_at - Date.now() < EXPIRY_MARGIN_MS);
  }

  function scheduleRefresh(delayMs) {
    clearTimeout(auth.refreshTimer);
    auth.refreshTimer = null;
    if (!session || !session.refresh_token) return;
    let delay = delayMs;
    if (delay === undefined) {
      const at = session.refresh_at || (session.expires_at ? session.expires_at - 60000 : Date.now());
      delay = Math.max(0, at - Date.now());
    }
    auth.refreshTimer = setTimeout(onRefreshTimer, delay);
  }

  function onRefreshTimer() {
    auth.refreshTimer = null;
    if (!session) return;
    refreshSession().catch((e) => {
      // A 401 already ended the session; anything else is transient: try again while the
      // refresh token lasts (a connect that needs a fresh token will also try on its own).
      if (!session || e.status === 401) return;
      scheduleRefresh(e.status === 429 ? e.retryAfterMs : REFRESH_RETRY_MS);
    });
  }

  // POST /api/auth/refresh. Only one is ever in flight: a second use of the same refresh token
  // would revoke the whole session, so every caller shares the same promise. Resolves with the
  // token response; a 401 ends the session (back to the login screen) before rejecting.
  function refreshSession() {
    if (auth.refreshing) return auth.refreshing;
    if (!session || !session.refresh_token) {
      return Promise.reject(new ApiError(401, 'unauthorized', 'No refresh token.'));
    }
    const epoch = auth.epoch;
    const { email, refresh_token: refreshToken } = session;
    const promise = (async () => {
      try {
        const tokens = await request('/api/auth/refresh', { body: { refresh_token: refreshToken } });
        if (!tokens || !tokens.access_token) throw new ApiError(0, 'bad_response', 'The refresh answer had no token.');
        if (epoch === auth.epoch && session) saveSession(tokens, email);
        return tokens;
      } catch (e) {
        if (e.status === 401 && epoch === auth.epoch && session) endSession(SESSION_ENDED);
        throw e;
      }
    })();
    auth.refreshing = promise;
    const done = () => { if (auth.refreshing === promise) auth.refreshing = null; };
    promise.then(done, done);
    return promise;
  }

  // Ends the session on this page only (expired, revoked, or after Log out).
  function endSession(reason) {
    session = null;
    auth.epoch += 1;
    auth.refreshing = null;
    clearTimeout(auth.refreshTimer);
    auth.refreshTimer = null;
    try { sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* ignore */ }
    disconnect();
    resetChat();
    resetUploads();
    showLogin(reason);
  }

  // Log out: POST /api/auth/logout (best effort), then close the socket with 1000. Local state
  // is cleared at once, whatever the server answers.
  async function logOut() {
    const s = session;
    if (!s) return;
    const inFlight = auth.refreshing;
    const ws = conn.ws;
    conn.ws = null; // detached: its close must not trigger a reconnect, and disconnect() leaves it open
    endSession('');
    try {
      await Promise.race([revokeOnServer(s, inFlight), new Promise((r) => setTimeout(r, 4000))]);
    } catch (e) { /* best effort */ }
    if (ws) { try { ws.close(1000, 'logout'); } catch (e) { /* already closed */ } }
  }

  async function revokeOnServer(s, inFlight) {
    let tokens = { access_token: s.access_token, refresh_token: s.refresh_token };
    if (inFlight) { // a refresh was out: its answer holds the live refresh token
      try { tokens = await inFlight; } catch (e) { /* keep the old pair */ }
    }
    // Logout ends the whole login session the access token belongs to; it needs no body.
    try {
      await request('/api/auth/logout', { token: tokens.access_token });
    } catch (e) {
      if (!isStaleTokenError(e) || !tokens.refresh_token) return;
      // Access token expired: refresh once, then log out with the new access token.
      const fresh = await request('/api/auth/refresh', { body: { refresh_token: tokens.refresh_token } });
      await request('/api/auth/logout', { token: fresh.access_token });
    }
  }

  // ---------------------------------------------------------------- views

  function showLogin(reason) {
    el.chatView.hidden = true;
    el.sessionBar.hidden = true;
    el.loginView.hidden = false;
    el.loginError.textContent = reason || '';
    el.password.value = '';
    el.loginSubmit.disabled = false;
    if (lockout.timer) tickLockout(); // a lockout still running keeps its message and the button off
    (el.email.value ? el.password : el.email).focus();
  }

  function showChat() {
    el.loginView.hidden = true;
    el.chatView.hidden = false;
    el.sessionBar.hidden = false;
    el.who.textContent = session.email ? `Signed in as ${session.email}` : '';
    el.message.focus();
    connect();
    loadUploads();
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
    if (!lockout.timer) el.loginError.textContent = '';
  }

  // A 429 on login/signup: too many attempts for this account or address. The submit button
  // stays disabled, and #login-error counts down, until the server's retry_after_ms has passed.
  const lockout = { until: 0, timer: null };

  function startLockout(ms) {
    lockout.until = Date.now() + ms;
    clearInterval(lockout.timer);
    lockout.timer = setInterval(tickLockout, 250);
    tickLockout();
  }

  function tickLockout() {
    const left = lockout.until - Date.now();
    if (left <= 0) {
      clearInterval(lockout.timer);
      lockout.timer = null;
      el.loginSubmit.disabled = false;
      el.loginError.textContent = '';
      return;
    }
    el.loginSubmit.disabled = true;
    const text = `Too many attempts. Try again in ${seconds(left)} s.`;
    if (el.loginError.textContent !== text) el.loginError.textContent = text;
  }

  async function onLoginSubmit(event) {
    event.preventDefault();
    if (lockout.timer) return undefined; // locked out by a 429: the countdown says until when
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
      const tokens = await request(signupMode ? '/api/auth/signup' : '/api/auth/login', { body: { email, password } });
      if (!tokens || !tokens.access_token) throw new ApiError(0, 'bad_response', 'The server sent no token.');
      auth.epoch += 1; // an answer to a refresh of an earlier session must not overwrite this one
      auth.refreshing = null;
      saveSession(tokens, email);
      el.password.value = '';
      showChat();
    } catch (e) {
      if (e.status === 429) {
        startLockout(e.retryAfterMs);
        return undefined;
      }
      loginError(e.status === 401 && !signupMode ? 'Wrong email or password.' : e.message, el.password);
    } finally {
      if (!lockout.timer) el.loginSubmit.disabled = false;
    }
    return undefined;
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
    setStatus(conn.attempt === 0 && !conn.renewing ? 'connecting' : 'reconnecting');
    let ticket;
    let socketToken;
    conn.fetchingTicket = true;
    try {
      // An access token at (or past) its expiry cannot buy a ticket: renew it first.
      if (accessExpiringSoon() && session.refresh_token) await refreshSession();
      if (generation !== conn.generation || !session) return;
      // Tickets are single use: every (re)connect asks for a fresh one.
      ticket = (await authedApi('/api/ws-ticket')).ticket;
      socketToken = session && session.access_token;
    } catch (e) {
      if (generation !== conn.generation || !session) return; // includes a refresh 401: already at login
      if (e.status === 429) { // rate limited: wait as long as the server asks, then try again
        const wait = e.retryAfterMs;
        setStatus('reconnecting', `rate limited; retrying in ${seconds(wait)} s`);
        conn.reconnectTimer = setTimeout(connect, wait);
        return;
      }
      if (e.status === 401) {
        endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED);
        return;
      }
      scheduleReconnect(e.message);
      return;
    } finally {
      conn.fetchingTicket = false;
    }
    if (generation !== conn.generation || !session || conn.ws) return;
    const ws = new WebSocket(wsUrl(ticket));
    conn.ws = ws;
    conn.socketToken = socketToken;
    ws.addEventListener('message', (ev) => { if (conn.ws === ws) onFrameText(ev.data); });
    ws.addEventListener('close', (ev) => onSocketClose(ws, ev));
  }

  // The socket is gone (or about to go): stop using it and hold the unacknowledged message.
  function socketLost() {
    conn.ws = null;
    conn.ready = false;
    clearInterval(conn.pingTimer);
    if (chat.pending) { // its acknowledgement cannot come now; it is sent again on reconnect
      clearTimeout(chat.pending.timer);
      setTurnStatus(chat.pending.turn, 'Waiting for the connection…');
    }
    updateSendEnabled();
  }

  function onSocketClose(ws, ev) {
    if (conn.ws !== ws) return;
    if (conn.intentionalClose || !session) {
      conn.ws = null;
      conn.ready = false;
      clearInterval(conn.pingTimer);
      setStatus('disconnected');
      return;
    }
    // The server names auth failures in the close reason (`<code>: <message>`); normally an
    // error frame has said so already, but a close alone must be understood too.
    const reasonCode = String(ev.reason || '').split(':')[0].trim();
    if (reasonCode === 'token_revoked') { endSession(SIGNED_OUT); return; }
    if (reasonCode === 'token_expired') { renewAndReconnect(); return; }
    socketLost();
    const why = ev.code === 1008 ? 'refused by the server' : ev.code === 1009 ? 'message too big' : `code ${ev.code}`;
    scheduleReconnect(`connection lost, ${why}`);
  }

  // `token_expired` on the socket: the server is about to close it. Refresh the access token
  // (unless it was refreshed since this socket opened), get a new ticket, reconnect; the
  // connection_ready handler then re-sends an unacknowledged message and resumes every unfinished
  // run after its last contiguous seq, and duplicates are dropped by seq, as on any reconnect.
  async function renewAndReconnect() {
    const ws = conn.ws;
    const socketToken = conn.socketToken;
    socketLost();
    if (ws) { try { ws.close(1000, 'token expired'); } catch (e) { /* already closing */ } }
    clearTimeout(conn.reconnectTimer);
    conn.reconnectTimer = null;
    conn.renewing = true;
    setStatus('reconnecting', 'renewing the session');
    const generation = conn.generation;
    try {
      if (session && session.refresh_token && (session.access_token === socketToken || accessExpiringSoon())) {
        await refreshSession();
      }
    } catch (e) {
      if (generation !== conn.generation || !session) return; // a 401 has already ended the session
      if (e.status === 429) {
        setStatus('reconnecting', `rate limited; retrying in ${seconds(e.retryAfterMs)} s`);
        conn.reconnectTimer = setTimeout(connect, e.retryAfterMs);
        return;
      }
      scheduleReconnect(`could not renew the session: ${e.message}`);
      return;
    }
    if (generation !== conn.generation || !session) return;
    if (!session.refresh_token && session.access_token === socketToken) {
      endSession(SESSION_ENDED); // nothing to renew with (a session stored by an older page)
      return;
    }
    connect();
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
    conn.renewing = false;
    clearTimeout(conn.resyncTimer);
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
    conn.renewing = false;
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
      case 'upload_progress': return onUploadProgress(frame);
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
    if (frame.code === 'token_expired') return renewAndReconnect();
    if (frame.code === 'token_revoked') return endSession(SIGNED_OUT);
    if (frame.code === 'rate_limited') return onRateLimited(frame);
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

  // `rate_limited` frame: say how long to wait; if it refused a user_message (ref =
  // client_msg_id), that message did not start a run, so its text goes back in the box.
  function onRateLimited(frame) {
    const ms = Number(frame.retry_after_ms);
    showAlert(Number.isFinite(ms) && ms >= 0
      ? `Slow down: try again in ${seconds(ms)} s`
      : `Slow down: ${frame.message || 'too many requests'}`);
    const p = chat.pending;
    if (frame.ref && p && frame.ref === p.frame.client_msg_id) {
      clearTimeout(p.timer);
      chat.pending = null;
      failTurn(p.turn, 'Not sent: too many messages. Try again shortly.');
      if (!el.message.value) el.message.value = p.frame.text;
      el.message.focus();
      updateSendEnabled();
    } else if (!frame.ref) {
      // A frame-level limit: whichever frame it answered was dropped unread, and it may have been
      // a resume or the unacknowledged message. Once the wait is over, send those again; both are
      // idempotent (client_msg_id, and duplicate events are dropped by seq).
      clearTimeout(conn.resyncTimer);
      conn.resyncTimer = setTimeout(resync, Number.isFinite(ms) && ms >= 0 ? ms : 1000);
    }
    return undefined;
  }

  function resync() {
    conn.resyncTimer = null;
    if (!conn.ready) return; // a reconnect re-sends and resumes on its own
    if (chat.pending) {
      sendFrame(chat.pending.frame);
      chat.pending.resent = true;
      armAcceptTimeout(chat.pending);
    }
    for (const [runId, run] of chat.runs) {
      if (!run.finished) sendFrame({ type: 'resume', run_id: runId, after_seq: contiguousSeq(run) });
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
    for (const b of document.querySelectorAll('.example, .needs-connection')) b.disabled = !conn.ready || busy;
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

  // ---------------------------------------------------------------- usage upload

  // POST /api/usage takes the raw file (its name in ?filename=), answers 201 with the stored
  // upload's summary or 422 with the row/column problems (nothing stored). fetch cannot report
  // upload progress, so this one call goes through XMLHttpRequest. The server reads the file as it
  // arrives and reports rows read and stored as upload_progress frames for the ?upload_ref= we send.
  // Its size limit (usage.max_upload_bytes, 20 MiB by default) is checked there, from Content-Length.
  const ANALYZE_PROMPT = 'Analyze my AI costs for the last 30 days';
  const USD = new Intl.NumberFormat('en-US', {
    style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2,
  });
  const COUNT = new Intl.NumberFormat('en-US');
  const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/ndjson'];

  const upload = {
    busy: false,
    xhr: null,                 // the request in flight; aborted when the session ends
    ref: null,                 // upload_ref of the upload in flight: its upload_progress frames carry it
    blockedUntil: 0,           // a 429 asked to wait until then (epoch ms)
    blockTimer: null,
    listGeneration: 0,         // a late answer to an older GET /api/usage/uploads is dropped
    dragDepth: 0,              // dragenter/dragleave pairs over the conversation
  };

  function money(v) {
    const n = Number(v);
    return Number.isFinite(n) ? USD.format(n) : '—';
  }

  function count(n, one, many) {
    const v = Number(n) || 0;
    return `${COUNT.format(v)} ${v === 1 ? one : many}`;
  }

  function fileSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  }

  // An ISO instant as its UTC date: usage timestamps are UTC (a daily export is midnight UTC), so
  // a local date could show the day before.
  function isoDate(ts) {
    if (!ts) return '';
    const d = new Date(ts);
    return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString().slice(0, 10);
  }

  function dateRange(first, last) {
    const a = isoDate(first);
    const b = isoDate(last);
    if (!a && !b) return 'no dates';
    if (!a || !b || a === b) return a || b;
    return `${a} → ${b}`;
  }

  function uploadName(u) {
    return (u && u.source) || 'upload';
  }

  // The server reads the format from the content type first (docs/USAGE-FORMATS.md §1). Browsers
  // send odd types for CSV (application/vnd.ms-excel) and none for .ndjson, so go by the name;
  // octet-stream is ignored by the server, which then looks at the content.
  function contentTypeFor(file) {
    const name = file.name.toLowerCase();
    if (name.endsWith('.csv')) return 'text/csv';
    if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'application/x-ndjson';
    if (name.endsWith('.json')) return 'application/json';
    if (file.type === 'text/csv' || file.type === 'application/json' || NDJSON_TYPES.includes(file.type)) return file.type;
    return 'application/octet-stream';
  }

  // One POST /api/usage. Resolves with {status, data, res} for any HTTP answer (`res` offers
  // headers.get for retryAfterOf); rejects with an ApiError when no answer came.
  function sendUpload(file, token, onProgress, onSent) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      upload.xhr = xhr;
      const done = () => { if (upload.xhr === xhr) upload.xhr = null; };
      xhr.open('POST', `/api/usage?filename=${encodeURIComponent(file.name)}&upload_ref=${upload.ref}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Content-Type', contentTypeFor(file));
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      });
      xhr.upload.addEventListener('load', () => onSent());
      xhr.addEventListener('load', () => {
        done();
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        resolve({ status: xhr.status, data, res: { headers: { get: (name) => xhr.getResponseHeader(name) } } });
      });
      const fail = (code, message) => () => { done(); reject(new ApiError(0, code, message)); };
      xhr.addEventListener('error', fail('NETWORK', 'the server could not be reached. Check your connection and try again.'));
      xhr.addEventListener('timeout', fail('TIMEOUT', 'the upload timed out.'));
      xhr.addEventListener('abort', fail('ABORTED', 'the upload was cancelled.'));
      xhr.send(file);
    });
  }

  // An HTTP answer that is not 2xx as an ApiError; `data` keeps the body (a 422 carries the
  // problems there), and a 429 gets retryAfterMs from retry_after_ms or Retry-After.
  function uploadError({ status, data, res }) {
    if (status >= 200 && status < 300) return null;
    const body = (data && data.error) || {};
    const e = new ApiError(status, body.code || `HTTP_${status}`, body.message || `the server answered ${status}.`,
      status === 429 ? retryAfterOf(res, body) : undefined);
    e.data = data;
    return e;
  }

  // POST /api/usage with the session's token, refreshing once and sending once more on a
  // stale-token 401, as authedApi does. Answers the 201 body; anything else throws.
  async function uploadUsage(file, onProgress, onSent) {
    if (session && session.refresh_token && accessExpiringSoon()) await refreshSession();
    if (!session) throw new ApiError(401, 'unauthorized', 'Not logged in.');
    const used = session.access_token;
    let answer = await sendUpload(file, used, onProgress, onSent);
    let err = uploadError(answer);
    if (err && isStaleTokenError(err) && session && session.refresh_token) {
      if (session.access_token === used) await refreshSession();
      if (!session) throw err;
      onProgress(0);
      answer = await sendUpload(file, session.access_token, onProgress, onSent);
      err = uploadError(answer);
    }
    if (err) throw err;
    return answer.data;
  }

  function chosenFile() {
    return el.uploadInput.files && el.uploadInput.files.length ? el.uploadInput.files[0] : null;
  }

  function showUploadMessage(text) {
    el.uploadResult.replaceChildren(make('p', 'upload-error', text));
  }

  async function startUpload(file) {
    if (!session || upload.busy) return;
    const wait = upload.blockedUntil - Date.now();
    if (wait > 0) {
      showUploadMessage(`Too many uploads: try again in ${seconds(wait)} s.`);
      return;
    }
    if (file.size === 0) {
      showUploadMessage(`${file.name} is empty. Nothing was uploaded.`);
      return;
    }
    const epoch = auth.epoch;
    setUploading(true, file);
    try {
      const data = await uploadUsage(file, setUploadProgress, () => setUploadProcessing(file));
      if (epoch !== auth.epoch) return;
      renderUploadSummary((data && data.upload) || {}, file.name);
      el.uploadInput.value = '';
      loadUploads();
    } catch (e) {
      if (epoch !== auth.epoch || !session) return; // logged out meanwhile, or a refresh 401 ended the session
      if (e.status === 422 && e.data && Array.isArray(e.data.problems)) {
        renderUploadProblems(e.data, file.name);
      } else if (e.status === 401) {
        endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED);
      } else if (e.status === 429) {
        blockUploads(e.retryAfterMs);
      } else if (e.status === 413) {
        showUploadMessage(`${file.name} (${fileSize(file.size)}) is larger than the server's upload limit. Nothing was stored.`);
      } else {
        showUploadMessage(`${file.name} was not uploaded: ${e.message}`);
      }
    } finally {
      if (epoch === auth.epoch) setUploading(false);
    }
  }

  function setUploading(on, file) {
    upload.busy = on;
    el.uploadButton.disabled = on || upload.blockedUntil > Date.now();
    el.uploadInput.disabled = on;
    el.uploadProgress.hidden = !on;
    el.uploadPercent.hidden = !on;
    el.uploadServer.textContent = '';
    upload.ref = on ? newUploadRef() : null;
    if (on) {
      el.uploadResult.replaceChildren();
      setUploadProgress(0);
      el.uploadStatus.textContent = `Uploading ${file.name}…`;
    } else {
      el.uploadStatus.textContent = '';
    }
  }

  function setUploadProgress(fraction) {
    const f = Math.max(0, Math.min(1, Number(fraction) || 0));
    el.uploadProgress.value = f;
    el.uploadPercent.textContent = `${Math.round(f * 100)}%`;
  }

  // Every byte is sent; the server now parses and stores the rows.
  function setUploadProcessing(file) {
    setUploadProgress(1);
    el.uploadStatus.textContent = `Checking and storing ${file.name}…`;
  }

  function newUploadRef() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    return `u${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  }

  // The server's side of the upload in flight: rows read, then rows stored, then done.
  function onUploadProgress(frame) {
    if (!upload.busy || frame.upload_ref !== upload.ref) return;
    const rows = COUNT.format(Number(frame.rows) || 0);
    const percent = Number.isFinite(frame.percent) ? ` (${Math.round(frame.percent)}%)` : '';
    if (frame.phase === 'parsing') el.uploadServer.textContent = `Server: ${rows} rows read${percent}`;
    else if (frame.phase === 'storing') el.uploadServer.textContent = `Server: ${rows} rows stored${percent}`;
    else if (frame.phase === 'done') el.uploadServer.textContent = `Server: done, ${rows} rows stored`;
  }

  function blockUploads(ms) {
    const wait = Number.isFinite(ms) && ms >= 0 ? ms : 1000;
    upload.blockedUntil = Date.now() + wait;
    showUploadMessage(`Too many uploads: try again in ${seconds(wait)} s. Nothing was stored.`);
    el.uploadButton.disabled = true;
    clearTimeout(upload.blockTimer);
    upload.blockTimer = setTimeout(() => {
      upload.blockTimer = null;
      upload.blockedUntil = 0;
      if (!upload.busy) el.uploadButton.disabled = false;
    }, wait);
  }

  function addFact(list, term, value, className) {
    const dt = make('dt', null, term);
    const dd = make('dd', className, value);
    list.append(dt, dd);
  }

  function renderUploadSummary(u, fallbackName) {
    const card = make('article', 'upload-card');
    card.dataset.uploadId = u.upload_id || '';
    const title = make('h4', 'upload-card-title', `Stored: ${u.source || fallbackName}`);
    title.id = 'upload-card-title';
    card.setAttribute('aria-labelledby', title.id);
    const facts = make('dl', 'upload-facts');
    addFact(facts, 'File', u.source || fallbackName, 'upload-file');
    addFact(facts, 'Rows', COUNT.format(Number(u.rows) || 0), 'upload-rows');
    addFact(facts, 'Dates', dateRange(u.first_ts, u.last_ts), 'upload-range');
    addFact(facts, 'Spend', money(u.cost_usd), 'upload-spend');
    if (u.format) addFact(facts, 'Format', String(u.format).toUpperCase(), 'upload-format');
    card.append(title, facts);
    const unpriced = Array.isArray(u.unpriced_models) ? u.unpriced_models.filter(Boolean).map(String) : [];
    if (unpriced.length) {
      card.append(make('p', 'upload-warning',
        `Warning: no price is known for ${unpriced.length === 1 ? 'this model' : 'these models'}, so its rows without `
        + `a cost are not in the spend: ${unpriced.join(', ')}.`));
    }
    const analyze = make('button', 'needs-connection', 'Analyze this data');
    analyze.type = 'button';
    analyze.id = 'upload-analyze';
    analyze.disabled = !conn.ready || Boolean(chat.pending);
    analyze.addEventListener('click', () => sendMessage(ANALYZE_PROMPT));
    card.append(analyze);
    el.uploadResult.replaceChildren(card);
  }

  function renderUploadProblems(data, name) {
    const problems = data.problems;
    const total = Math.max(Number(data.problem_count) || 0, problems.length);
    const box = make('div', 'upload-rejected');
    box.append(make('h4', null, `${name} was rejected: ${count(total, 'problem', 'problems')} found`));
    box.append(make('p', 'upload-error', 'Nothing was stored. Fix the problems below and upload the whole file again.'));
    const table = make('table', 'upload-errors');
    table.id = 'upload-errors';
    table.append(make('caption', 'visually-hidden', `Problems in ${name}`));
    const head = make('tr');
    for (const label of ['Row', 'Column', 'Reason']) {
      const th = make('th', null, label);
      th.scope = 'col';
      head.append(th);
    }
    const thead = make('thead');
    thead.append(head);
    table.append(thead);
    const body = make('tbody');
    for (const p of problems) {
      const tr = make('tr');
      const row = Number(p && p.row);
      tr.append(
        make('td', 'problem-row', row === 0 ? '0 (whole file)' : String(p && p.row !== undefined ? p.row : '—')),
        make('td', 'problem-column', p && p.column ? p.column : '—'),
        make('td', 'problem-reason', (p && p.reason) || ''),
      );
      body.append(tr);
    }
    table.append(body);
    // A scrolling box: focusable and named, so that it can be scrolled with the keyboard.
    const wrap = make('div', 'table-wrap');
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', `Problems in ${name}`);
    wrap.append(table);
    box.append(wrap);
    if (total > problems.length) {
      box.append(make('p', 'upload-more', `…and ${total - problems.length} more not listed.`));
    }
    el.uploadResult.replaceChildren(box);
  }

  // ---------------------------------------------------------------- uploads list

  async function loadUploads() {
    if (!session) return;
    upload.listGeneration += 1;
    const generation = upload.listGeneration;
    if (!el.uploads.children.length) {
      el.uploadsEmpty.hidden = false;
      el.uploadsEmpty.textContent = 'Loading your uploads…';
    }
    try {
      if (session.refresh_token && accessExpiringSoon()) await refreshSession();
      const data = await authedApi('/api/usage/uploads', { method: 'GET' });
      if (generation !== upload.listGeneration || !session) return;
      renderUploads(Array.isArray(data && data.uploads) ? data.uploads : []);
    } catch (e) {
      if (generation !== upload.listGeneration || !session) return;
      if (e.status === 401) {
        endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED);
        return;
      }
      el.uploadsEmpty.hidden = false;
      el.uploadsEmpty.textContent = `Could not load your uploads: ${e.message}`;
    }
  }

  function renderUploads(list) {
    el.uploads.replaceChildren(...list.map(renderUploadItem));
    el.uploadsEmpty.textContent = 'No uploads yet.';
    el.uploadsEmpty.hidden = list.length > 0;
  }

  function renderUploadItem(u) {
    const li = make('li', 'upload-item');
    li.dataset.uploadId = u.upload_id || '';
    const info = make('div', 'upload-info');
    info.append(make('span', 'upload-name', uploadName(u)));
    // Each part stays on one line: a narrow screen breaks between them, never inside a date.
    const meta = make('span', 'upload-meta');
    const parts = [count(u.rows, 'row', 'rows'), money(u.cost_usd), dateRange(u.first_ts, u.last_ts)];
    parts.forEach((part, i) => {
      if (i > 0) meta.append(' · ');
      meta.append(make('span', 'nowrap', part));
    });
    info.append(meta);
    if (u.created_at) {
      const when = make('time', 'upload-date', `uploaded ${isoDate(u.created_at)}`);
      when.dateTime = u.created_at;
      info.append(when);
    }
    const del = make('button', 'secondary upload-delete', 'Delete');
    del.type = 'button';
    del.setAttribute('aria-label', `Delete ${uploadName(u)}`);
    del.addEventListener('click', () => { deleteUpload(u, del); });
    li.append(info, del);
    return li;
  }

  async function deleteUpload(u, button) {
    const name = uploadName(u);
    if (!window.confirm(`Delete ${name} and its ${count(u.rows, 'usage row', 'usage rows')}? This cannot be undone.`)) return;
    button.disabled = true;
    try {
      await authedApi(`/api/usage/uploads/${encodeURIComponent(u.upload_id)}`, { method: 'DELETE' });
    } catch (e) {
      if (!session) return;
      if (e.status === 401) {
        endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED);
        return;
      }
      if (e.status !== 404) { // 404: already gone (another tab); the refresh below shows that
        button.disabled = false;
        showAlert(`Could not delete ${name}: ${e.message}`);
        return;
      }
    }
    el.uploadStatus.textContent = `Deleted ${name}.`;
    const card = el.uploadResult.querySelector('.upload-card');
    if (card && card.dataset.uploadId === u.upload_id) el.uploadResult.replaceChildren();
    const hadFocus = document.activeElement === button;
    await loadUploads();
    if (hadFocus || !document.activeElement || document.activeElement === document.body) el.uploadsTitle.focus();
  }

  // The session ended: stop an upload in flight and forget the last user's uploads.
  function resetUploads() {
    upload.listGeneration += 1;
    const xhr = upload.xhr;
    upload.xhr = null;
    if (xhr) xhr.abort();
    upload.busy = false;
    clearTimeout(upload.blockTimer);
    upload.blockTimer = null;
    upload.blockedUntil = 0;
    el.uploadInput.value = '';
    el.uploadInput.disabled = false;
    el.uploadButton.disabled = false;
    el.uploadProgress.hidden = true;
    el.uploadPercent.hidden = true;
    el.uploadStatus.textContent = '';
    el.uploadResult.replaceChildren();
    el.uploads.replaceChildren();
    el.uploadsEmpty.textContent = 'No uploads yet.';
    el.uploadsEmpty.hidden = false;
    endDrag();
  }

  // ---------------------------------------------------------------- drag and drop

  function hasFiles(e) {
    return Boolean(e.dataTransfer) && Array.from(e.dataTransfer.types || []).includes('Files');
  }

  function endDrag() {
    upload.dragDepth = 0;
    el.conversation.classList.remove('drop-active');
    el.dropHint.hidden = true;
  }

  function onDroppedFiles(files) {
    const list = Array.from(files || []);
    if (!list.length) return;
    if (upload.busy) {
      showAlert('An upload is already running; drop the file again when it has finished.');
      return;
    }
    const file = list[0];
    if (list.length > 1) showAlert(`One file at a time: uploading ${file.name} only.`);
    // Show the dropped file in the picker too (DataTransfer is constructible in current browsers).
    try {
      const dt = new DataTransfer();
      dt.items.add(file);
      el.uploadInput.files = dt.files;
    } catch (e) { /* the picker keeps its own choice */ }
    startUpload(file);
  }

  // Capture phase, so that a drop on any part of the conversation (the answers, the message
  // box) is seen here first, even a synthetic event that does not bubble.
  const capture = { capture: true };
  el.conversation.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    upload.dragDepth += 1;
    el.conversation.classList.add('drop-active');
    el.dropHint.hidden = false;
  }, capture);
  el.conversation.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = upload.busy ? 'none' : 'copy';
    if (!el.conversation.classList.contains('drop-active')) {
      el.conversation.classList.add('drop-active');
      el.dropHint.hidden = false;
    }
  }, capture);
  el.conversation.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    upload.dragDepth = Math.max(0, upload.dragDepth - 1);
    if (upload.dragDepth === 0 || (e.relatedTarget && !el.conversation.contains(e.relatedTarget))) endDrag();
  }, capture);
  el.conversation.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.stopPropagation();
    endDrag();
    onDroppedFiles(e.dataTransfer.files);
  }, capture);
  // A file dropped anywhere else must not make the browser leave the page to open it.
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (!el.conversation.contains(e.target)) e.dataTransfer.dropEffect = 'none';
  });
  window.addEventListener('drop', (e) => { if (hasFiles(e)) { e.preventDefault(); endDrag(); } });
  window.addEventListener('dragend', endDrag);

  el.uploadInput.addEventListener('change', () => {
    const file = chosenFile();
    el.uploadStatus.textContent = file ? `Ready to upload ${file.name} (${fileSize(file.size)}): press Upload.` : '';
  });
  el.uploadButton.addEventListener('click', () => {
    const file = chosenFile();
    if (!file) {
      el.uploadStatus.textContent = 'Choose a usage file first.';
      el.uploadInput.focus();
      return;
    }
    startUpload(file);
  });

  // ---------------------------------------------------------------- wiring

  el.loginForm.addEventListener('submit', onLoginSubmit);
  el.modeToggle.addEventListener('click', () => setSignupMode(!signupMode));
  el.logout.addEventListener('click', () => { logOut(); });
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
  if (session) {
    scheduleRefresh(); // at 80% of the token's life, or at once if that has passed
    showChat();
  } else {
    showLogin('');
  }
})();
