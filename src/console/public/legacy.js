// The legacy chatbox: the Moneypot chat-server protocol's "Full example", with a UI.
// Connect, send `auth` {app_id, hashed_token} with an (err, data) ack, then live on
// new_message, user_joined, user_left, user_muted, user_unmuted, system_message, client_error.
(function () {
  'use strict';
  const { el, clear, stickToBottom } = window.ConsoleDom;
  const params = new URLSearchParams(location.search);
  const rawAppId = (params.get('app_id') || '').trim();
  // The chat server: this page's own by default; chat_uri names another (the page copied onto a
  // game's own site, as old chatbox pages are, talks to the chat server across origins).
  const chatUri = (params.get('chat_uri') || '').trim();

  if (!rawAppId) {
    const signin = document.getElementById('signin');
    if (chatUri) signin.appendChild(el('input', { type: 'hidden', name: 'chat_uri', value: chatUri }));
    signin.action = location.pathname;
    signin.hidden = false;
    return;
  }

  const config = {
    chat_uri: chatUri || location.origin,
    hashed_token: (params.get('hashed_token') || '').trim() || undefined,
    // The protocol's app_id is an Integer; anything else goes as typed, and the server says what is wrong.
    app_id: /^\d+$/.test(rawAppId) ? Number(rawAppId) : rawAppId,
  };

  const chat = document.getElementById('chat');
  const statusLine = document.getElementById('status');
  const list = document.getElementById('messages');
  const usersList = document.getElementById('users');
  const mutesList = document.getElementById('mutes');
  const sendForm = document.getElementById('send');
  const input = document.getElementById('text');
  const sendButton = document.getElementById('send-button');
  chat.hidden = false;

  /** uname -> { id, uname, role } of connected users; lowercase uname -> { uname, mins, expires_at }. */
  let users = {};
  let muteList = {};
  let me = null;
  /** The auth ack's err, when the server refused this page. */
  let refusal = null;

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = 'status' + (kind ? ' ' + kind : '');
  }

  function addLine(node) {
    stickToBottom(list, () => list.appendChild(node));
  }

  function showMessage(message) {
    const user = message.user || {};
    addLine(el('li', { className: 'msg', dataset: { id: String(message.id) } },
      el('span', { className: 'uname' }, user.uname || '?'),
      user.role && user.role !== 'member' ? el('span', { className: 'role' }, user.role) : null,
      el('span', { className: 'text' }, String(message.text))));
  }

  const notice = (text, className) => addLine(el('li', { className }, text));

  function renderUsers() {
    clear(usersList);
    for (const uname of Object.keys(users).sort((a, b) => a.localeCompare(b))) {
      const user = users[uname];
      usersList.appendChild(el('li', { dataset: { uname } }, uname,
        user.role && user.role !== 'member' ? el('span', { className: 'muted' }, ' (' + user.role + ')') : null));
    }
  }

  function renderMutes() {
    clear(mutesList);
    const now = Date.now();
    for (const key of Object.keys(muteList).sort()) {
      const mute = muteList[key];
      const ends = Date.parse(mute.expires_at);
      if (!Number.isNaN(ends) && ends <= now) { delete muteList[key]; continue; }
      mutesList.appendChild(el('li', { dataset: { uname: key } }, mute.uname || key,
        el('span', { className: 'muted' }, ' ' + mute.mins + ' min, until ' + (Number.isNaN(ends) ? String(mute.expires_at) : new Date(ends).toLocaleTimeString()))));
    }
  }
  setInterval(renderMutes, 10000);

  function setCanSend(canSend) {
    input.disabled = !canSend;
    sendButton.disabled = !canSend;
  }

  const socket = io(config.chat_uri);

  socket.on('connect', () => {
    setStatus('connected; signing in…');
    const authPayload = { app_id: config.app_id, hashed_token: config.hashed_token };
    socket.emit('auth', authPayload, (err, data) => {
      if (err) {
        refusal = err;
        setStatus('auth failed: ' + err, 'bad');
        notice('Auth failure: ' + err, 'client-error');
        return;
      }
      const room = (data && data.room) || {};
      me = (data && data.user) || null;
      users = Object.assign({}, room.users);
      muteList = Object.assign({}, room.muteList);
      clear(list);
      for (const message of room.history || []) showMessage(message);
      renderUsers();
      renderMutes();
      if (me) {
        setStatus('signed in as ' + me.uname + ' (' + me.role + ') in the lobby of app ' + config.app_id, 'ok');
        setCanSend(true);
        input.focus();
      } else {
        setStatus('reading the lobby of app ' + config.app_id + ' (no valid hashed_token: read only)');
        setCanSend(false);
      }
    });
  });

  socket.on('disconnect', (reason) => {
    // The server closing the socket is final (the client does not reconnect): say why, once more.
    if (reason === 'io server disconnect') setStatus('closed by the server' + (refusal ? ' (auth failed: ' + refusal + ')' : ''), 'bad');
    else setStatus('disconnected (' + reason + '); reconnecting…', 'bad');
    setCanSend(false);
  });

  socket.on('connect_error', (error) => setStatus('cannot reach the chat server: ' + error.message, 'bad'));

  socket.on('system_message', (text) => notice(String(text), 'system'));

  // message is { id, text, user: { uname, role } }
  socket.on('new_message', (message) => showMessage(message));

  socket.on('user_muted', (data) => {
    muteList[String(data.uname).toLowerCase()] = data;
    renderMutes();
    notice(data.uname + ' was muted for ' + data.mins + ' min', 'notice');
  });

  socket.on('user_unmuted', (data) => {
    delete muteList[String(data.uname).toLowerCase()];
    renderMutes();
    notice(data.uname + ' was unmuted', 'notice');
  });

  socket.on('user_joined', (data) => {
    users[data.uname] = data;
    renderUsers();
    notice(data.uname + ' joined', 'notice');
  });

  socket.on('user_left', (data) => {
    delete users[data.uname];
    renderUsers();
    notice(data.uname + ' left', 'notice');
  });

  // Received when the client does not comply with the chat-server API.
  socket.on('client_error', (text) => notice('Client error: ' + text, 'client-error'));

  sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    // Slash commands (/mute, /unmute) are plain text: the server interprets them.
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    socket.emit('new_message', text, (err) => {
      if (err) notice('Not sent (' + err + '): ' + text, 'client-error');
    });
  });
})();
