// The GraphQL chat page: queries and mutations with fetch (POST /graphql, Bearer token), live
// updates over one graphql-ws connection: messageAdded + typing for the open room, myEvents for
// the unread counts of the others. Files go to POST /media (fetch + FormData, same token) and
// are sent as attachmentIds. Every text goes through text nodes; every URL must be this server's.
(function () {
  'use strict';
  const { el, clear, stickToBottom, time } = window.ConsoleDom;
  const PAGE_SIZE = 30;
  const params = new URLSearchParams(location.search);
  const token = (params.get('token') || '').trim();

  if (!token) {
    document.getElementById('signin').hidden = false;
    return;
  }

  const MESSAGE_FIELDS = 'id roomId kind text createdAt deletedAt author { id uname role } attachments { id url contentType name size width height thumbnailUrl }';
  const Q = {
    start: '{ me { id uname role } app { id name lobby { id } } myRooms { id } }',
    join: 'mutation($roomId: ID!) { joinRoom(roomId: $roomId) { joinedAt } }',
    rooms: '{ myRooms { id name key type memberCount unreadCount lastMessage { id text author { uname } attachments { name } } } }',
    messages: `query($roomId: ID!, $before: ID, $limit: Int) { messages(roomId: $roomId, before: $before, limit: $limit) { hasMore nodes { ${MESSAGE_FIELDS} } } }`,
    send: `mutation($roomId: ID!, $input: SendMessageInput!) { sendMessage(roomId: $roomId, input: $input) { ${MESSAGE_FIELDS} } }`,
    markRead: 'mutation($roomId: ID!, $messageId: ID!) { markRead(roomId: $roomId, messageId: $messageId) { lastReadMessageId } }',
    typing: 'mutation($roomId: ID!, $isTyping: Boolean!) { typing(roomId: $roomId, isTyping: $isTyping) }',
    messageAdded: `subscription($roomId: ID!, $after: ID) { messageAdded(roomId: $roomId, after: $after) { ${MESSAGE_FIELDS} } }`,
    typingEvents: 'subscription($roomId: ID!) { typing(roomId: $roomId) { user { id uname } isTyping } }',
    myEvents: 'subscription { myEvents { type roomId message { id text author { id uname } attachments { name } } } }',
  };

  const $ = (id) => document.getElementById(id);
  const chat = $('chat');
  const statusLine = $('status');
  const roomsList = $('rooms');
  const list = $('messages');
  const olderButton = $('older');
  const typingLine = $('typing');
  const sendForm = $('send');
  const input = $('text');
  const sendButton = $('send-button');
  const fileInput = $('file');
  const attachButton = $('attach-button');
  const pendingBox = $('pending');
  const roomInfo = $('room-info');
  chat.hidden = false;

  let me = null;
  let rooms = [];
  let selectedId = null;
  let roomSubscriptions = [];
  const shown = new Set();
  let oldestId = null;
  let newestId = null;
  let hasMore = false;
  let loadingOlder = false;

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = 'status' + (kind ? ' ' + kind : '');
  }

  const describeError = (error) => Array.isArray(error) ? error.map((e) => e.message).join('; ')
    : error && (error.reason || error.message) ? String(error.reason || error.message) : String(error);

  /** Ids are strings of integers: compare by length, then as text. */
  const compareIds = (a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

  async function gql(query, variables) {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
      body: JSON.stringify({ query, variables }),
    });
    let body;
    try { body = await response.json(); } catch { throw new Error('HTTP ' + response.status); }
    if (body.errors && body.errors.length) {
      const error = new Error(body.errors[0].message);
      error.code = body.errors[0].extensions && body.errors[0].extensions.code;
      throw error;
    }
    return body.data;
  }

  const ws = graphqlWs.createClient({
    url: (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql',
    connectionParams: { authorization: 'Bearer ' + token },
    retryAttempts: 30,
    // 4401/4403: the token is bad or revoked; retrying will not help.
    shouldRetry: (event) => !(event && (event.code === 4401 || event.code === 4403)),
    on: {
      connected: () => setStatus('live (graphql-ws connected)', 'ok'),
      closed: (event) => {
        if (event && (event.code === 4401 || event.code === 4403)) setStatus('signed out: ' + (event.reason || event.code), 'bad');
        else if (me) setStatus('live connection lost; reconnecting…', 'bad');
      },
    },
  });

  function subscribe(query, variables, onData) {
    return ws.subscribe({ query, variables }, {
      next: (result) => {
        if (result.errors && result.errors.length) notice('Subscription error: ' + describeError(result.errors), 'client-error');
        else onData(result.data);
      },
      error: (error) => notice('Subscription ended: ' + describeError(error), 'client-error'),
      complete: () => undefined,
    });
  }

  function notice(text, className) {
    stickToBottom(list, () => list.appendChild(el('li', { className: className || 'notice' }, text)));
  }

  // ---- rooms ----------------------------------------------------------------------------------

  const roomLabel = (room) => room.name || room.key || room.type.toLowerCase() + ' room ' + room.id;

  /** A message's text for a one-line preview: its text, else the names of its files. */
  const previewText = (message) => message.text
    || (message.attachments && message.attachments.length ? '[file] ' + message.attachments.map((a) => a.name).join(', ') : '');

  function renderRooms() {
    clear(roomsList);
    for (const room of rooms) {
      const preview = room.lastMessage ? (room.lastMessage.author ? room.lastMessage.author.uname + ': ' : '') + previewText(room.lastMessage) : '';
      const item = el('li', { className: room.id === selectedId ? 'selected' : '', dataset: { roomId: room.id }, title: roomLabel(room) },
        el('span', {}, el('span', { className: 'room-name' }, roomLabel(room)), el('span', { className: 'last' }, preview)),
        room.unreadCount > 0 && room.id !== selectedId ? el('span', { className: 'badge', 'aria-label': 'unread' }, room.unreadCount) : null);
      item.addEventListener('click', () => selectRoom(room.id));
      roomsList.appendChild(item);
    }
    const room = rooms.find((r) => r.id === selectedId);
    clear(roomInfo);
    if (room) {
      roomInfo.appendChild(el('div', {}, el('strong', {}, roomLabel(room))));
      roomInfo.appendChild(el('div', {}, room.type + ' · id ' + room.id + (room.key ? ' · key ' + room.key : '')));
      roomInfo.appendChild(el('div', {}, room.memberCount + ' member' + (room.memberCount === 1 ? '' : 's')));
    }
  }

  async function reloadRooms() {
    const data = await gql(Q.rooms);
    rooms = data.myRooms;
    for (const room of rooms) if (room.id === selectedId) room.unreadCount = 0;
    renderRooms();
  }

  let reloadTimer = null;
  function scheduleRoomsReload() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => reloadRooms().catch((error) => setStatus('could not list rooms: ' + error.message, 'bad')), 300);
  }

  // ---- messages of the open room --------------------------------------------------------------

  function messageNode(message) {
    const system = message.kind === 'SYSTEM' || !message.author;
    const attachments = !message.deletedAt && Array.isArray(message.attachments) ? message.attachments : [];
    return el('li', { className: 'msg' + (system ? ' system' : ''), dataset: { id: message.id } },
      el('span', { className: 'time' }, time(message.createdAt)),
      el('span', { className: 'uname' }, message.author ? message.author.uname : 'system'),
      el('span', { className: 'text' }, message.deletedAt ? '(deleted)' : String(message.text ?? '')),
      attachments.length ? el('div', { className: 'attachments' }, attachments.map(attachmentNode)) : null);
  }

  // ---- attachments ----------------------------------------------------------------------------

  const THUMBNAIL_BOX = 320;

  function formatSize(bytes) {
    const n = Number(bytes);
    if (!Number.isFinite(n) || n < 0) return '? B';
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
    return (n / 1024 / 1024).toFixed(1) + ' MiB';
  }

  /**
   * A media URL as a path on this server, or null: the page shows and links only its own
   * server's files (absolute URLs of another origin, and other schemes, are dropped).
   */
  function ownUrl(value) {
    if (typeof value !== 'string' || !value) return null;
    let url;
    try { url = new URL(value, location.href); } catch { return null; }
    return url.origin === location.origin ? url.pathname + url.search : null;
  }

  /** The thumbnail's box in CSS pixels (at most THUMBNAIL_BOX on the long side), when the sizes are known. */
  function thumbnailSize(width, height) {
    if (!(width > 0) || !(height > 0)) return {};
    const scale = Math.min(1, THUMBNAIL_BOX / Math.max(width, height));
    return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  }

  /** An image with a thumbnail inline (a click opens the file), anything else as a download link. */
  function attachmentNode(attachment) {
    const name = String(attachment.name ?? 'file');
    const label = name + ' (' + formatSize(attachment.size) + ')';
    const url = ownUrl(attachment.url);
    const thumbnail = ownUrl(attachment.thumbnailUrl);
    if (!url) return el('span', { className: 'attachment file unavailable', title: 'no link on this server' }, label);
    if (thumbnail && /^image\//i.test(String(attachment.contentType ?? ''))) {
      const size = thumbnailSize(attachment.width, attachment.height);
      const image = el('img', { src: thumbnail, alt: name, title: label, width: size.width, height: size.height, decoding: 'async' });
      if (!size.width) image.addEventListener('load', () => { if (list.scrollHeight - list.scrollTop - list.clientHeight < 40 + image.height) list.scrollTop = list.scrollHeight; });
      return el('a', { className: 'attachment image', href: url, target: '_blank', rel: 'noopener' }, image);
    }
    return el('a', { className: 'attachment file', href: url, download: name, title: String(attachment.contentType ?? '') },
      el('span', { className: 'name' }, name), ' ', el('span', { className: 'size' }, '(' + formatSize(attachment.size) + ')'));
  }

  /** Puts a message in id order, once; returns true when it was new. */
  function insertMessage(message) {
    if (message.roomId !== selectedId || shown.has(message.id)) return false;
    shown.add(message.id);
    const node = messageNode(message);
    let next = null;
    for (let child = list.lastElementChild; child; child = child.previousElementSibling) {
      if (!child.dataset.id) continue;
      if (compareIds(child.dataset.id, message.id) > 0) next = child; else break;
    }
    if (next) list.insertBefore(node, next);
    else stickToBottom(list, () => list.appendChild(node));
    if (!oldestId || compareIds(message.id, oldestId) < 0) oldestId = message.id;
    if (!newestId || compareIds(message.id, newestId) > 0) newestId = message.id;
    return true;
  }

  let readTimer = null;
  let readUpTo = null;
  function markReadSoon() {
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      if (!selectedId || !newestId || (readUpTo && compareIds(readUpTo, newestId) >= 0)) return;
      readUpTo = newestId;
      gql(Q.markRead, { roomId: selectedId, messageId: newestId }).catch(() => undefined);
    }, 400);
  }

  async function selectRoom(roomId) {
    if (roomId === selectedId) return;
    for (const dispose of roomSubscriptions.splice(0)) dispose();
    stopTyping();
    typists.clear();
    renderTyping();
    selectedId = roomId;
    shown.clear();
    oldestId = newestId = readUpTo = null;
    hasMore = false;
    olderButton.hidden = true;
    clear(list);
    const room = rooms.find((r) => r.id === roomId);
    if (room) room.unreadCount = 0;
    renderRooms();
    setCanSend(false);
    let page;
    try {
      page = (await gql(Q.messages, { roomId, limit: PAGE_SIZE })).messages;
    } catch (error) {
      notice('Could not read this room: ' + error.message, 'client-error');
      return;
    }
    if (selectedId !== roomId) return;
    for (const message of page.nodes) insertMessage(Object.assign({ roomId }, message));
    list.scrollTop = list.scrollHeight;
    hasMore = page.hasMore;
    olderButton.hidden = !hasMore;
    // With after = the newest id shown, the server replays anything newer first: nothing is missed.
    roomSubscriptions.push(subscribe(Q.messageAdded, newestId ? { roomId, after: newestId } : { roomId }, (data) => {
      const message = data.messageAdded;
      if (message.author) stoppedTyping(message.author.id);
      if (insertMessage(message)) markReadSoon();
    }));
    roomSubscriptions.push(subscribe(Q.typingEvents, { roomId }, (data) => onTyping(data.typing)));
    setCanSend(true);
    markReadSoon();
  }

  async function loadOlder() {
    if (!hasMore || loadingOlder || !oldestId) return;
    loadingOlder = true;
    olderButton.disabled = true;
    const roomId = selectedId;
    try {
      const page = (await gql(Q.messages, { roomId, before: oldestId, limit: PAGE_SIZE })).messages;
      if (roomId !== selectedId) return;
      const heightBefore = list.scrollHeight;
      for (const message of page.nodes) insertMessage(Object.assign({ roomId }, message));
      list.scrollTop += list.scrollHeight - heightBefore;
      hasMore = page.hasMore;
      olderButton.hidden = !hasMore;
    } catch (error) {
      notice('Could not load older messages: ' + error.message, 'client-error');
    } finally {
      loadingOlder = false;
      olderButton.disabled = false;
    }
  }
  olderButton.addEventListener('click', loadOlder);
  list.addEventListener('scroll', () => { if (list.scrollTop < 20 && hasMore) loadOlder(); });

  // ---- typing ---------------------------------------------------------------------------------

  /** user id -> { uname, timer } of others typing in the open room. */
  const typists = new Map();

  function renderTyping() {
    const names = [...typists.values()].map((t) => t.uname).sort();
    typingLine.textContent = names.length === 0 ? ''
      : names.length === 1 ? names[0] + ' is typing…'
      : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1] + ' are typing…';
  }

  function stoppedTyping(userId) {
    const typist = typists.get(userId);
    if (!typist) return;
    clearTimeout(typist.timer);
    typists.delete(userId);
    renderTyping();
  }

  function onTyping(event) {
    if (!event || !event.user || (me && event.user.id === me.id)) return;
    stoppedTyping(event.user.id);
    if (event.isTyping) {
      // A typist who goes quiet without saying so disappears after a while.
      typists.set(event.user.id, { uname: event.user.uname, timer: setTimeout(() => stoppedTyping(event.user.id), 8000) });
      renderTyping();
    }
  }

  let typingRoom = null;
  let typingSentAt = 0;
  let typingIdle = null;

  function sendTyping(roomId, isTyping) {
    gql(Q.typing, { roomId, isTyping }).catch(() => undefined);
  }

  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingRoom) sendTyping(typingRoom, false);
    typingRoom = null;
  }

  input.addEventListener('input', () => {
    if (!selectedId) return;
    if (!input.value.trim()) { stopTyping(); return; }
    if (typingRoom !== selectedId || Date.now() - typingSentAt > 4000) {
      typingRoom = selectedId;
      typingSentAt = Date.now();
      sendTyping(selectedId, true);
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, 3000);
  });

  // ---- sending --------------------------------------------------------------------------------

  let canSend = false;
  let uploading = false;
  function setCanSend(allowed) {
    canSend = allowed;
    input.disabled = !allowed;
    sendButton.disabled = !allowed || uploading;
    attachButton.disabled = !allowed || uploading;
  }

  /** Files chosen for the next message: { file, uploaded } (uploaded: POST /media's answer, once it answered). */
  const pending = [];
  let uploadStatus = { text: '', kind: '' };

  function setUploadStatus(text, kind) {
    uploadStatus = { text, kind: kind || '' };
    renderPending();
  }

  function renderPending() {
    clear(pendingBox);
    pendingBox.hidden = pending.length === 0 && !uploadStatus.text;
    pending.forEach((item, index) => {
      const remove = el('button', { type: 'button', className: 'secondary remove', title: 'Remove', 'aria-label': 'remove ' + item.file.name, disabled: uploading }, '×');
      remove.addEventListener('click', () => { pending.splice(index, 1); setUploadStatus(''); });
      pendingBox.appendChild(el('span', { className: 'pending-file' + (item.uploaded ? ' uploaded' : '') },
        item.file.name + ' (' + formatSize(item.file.size) + ')', remove));
    });
    if (uploadStatus.text) pendingBox.appendChild(el('span', { className: 'upload-status ' + uploadStatus.kind, id: 'upload-status' }, uploadStatus.text));
  }

  attachButton.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    for (const file of fileInput.files) pending.push({ file, uploaded: null });
    fileInput.value = '';
    setUploadStatus('');
  });

  /** The error an HTTP answer's JSON body gives, whatever its shape. */
  function httpError(status, body) {
    const nested = body && typeof body.error === 'object' && body.error ? body.error : null;
    const message = nested ? nested.message : body && (Array.isArray(body.message) ? body.message.join('; ') : body.message || body.error);
    const code = (nested && nested.code) || (body && body.code);
    return 'HTTP ' + status + (code ? ' ' + code : '') + (message ? ': ' + message : '');
  }

  /** POST /media with the page's token; resolves to the stored file's description. */
  async function upload(file) {
    const form = new FormData();
    form.append('file', file, file.name);
    let response;
    try {
      response = await fetch('/media', { method: 'POST', headers: { authorization: 'Bearer ' + token }, body: form });
    } catch (error) {
      throw new Error('network error: ' + error.message);
    }
    let body = null;
    try { body = await response.json(); } catch { /* not JSON */ }
    if (response.status !== 201 || !body || !body.id) throw new Error(httpError(response.status, body));
    return body;
  }

  /** Uploads the pending files not uploaded yet, one at a time; resolves to all their ids. */
  async function uploadPending() {
    for (let i = 0; i < pending.length; i++) {
      const item = pending[i];
      if (item.uploaded) continue;
      setUploadStatus('Uploading ' + item.file.name + ' (' + formatSize(item.file.size) + (pending.length > 1 ? ', ' + (i + 1) + ' of ' + pending.length : '') + ')…');
      try {
        item.uploaded = await upload(item.file);
      } catch (error) {
        throw new Error('Upload of ' + item.file.name + ' failed: ' + error.message);
      }
    }
    return pending.map((item) => item.uploaded.id);
  }

  const clientMsgId = () => Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);

  /** A message with files: upload them, then send; on failure the files stay (uploaded ones are not sent again). */
  async function sendWithFiles(roomId, text) {
    uploading = true;
    setCanSend(canSend);
    try {
      const attachmentIds = await uploadPending();
      setUploadStatus('Sending…');
      const data = await gql(Q.send, { roomId, input: { text, attachmentIds, clientMsgId: clientMsgId() } });
      pending.length = 0;
      if (input.value === text) input.value = '';
      setUploadStatus('');
      if (insertMessage(data.sendMessage)) markReadSoon();
    } catch (error) {
      setUploadStatus(error.code ? 'Not sent (' + error.code + '): ' + error.message : error.message, 'bad');
    } finally {
      uploading = false;
      setCanSend(canSend);
      renderPending();
    }
  }

  sendForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!selectedId || uploading) return;
    if (pending.length > 0) {
      stopTyping();
      await sendWithFiles(selectedId, text);
      return;
    }
    if (!text) return;
    input.value = '';
    stopTyping();
    try {
      const data = await gql(Q.send, { roomId: selectedId, input: { text, clientMsgId: clientMsgId() } });
      if (insertMessage(data.sendMessage)) markReadSoon();
    } catch (error) {
      notice('Not sent' + (error.code ? ' (' + error.code + ')' : '') + ': ' + error.message, 'client-error');
      if (!input.value) input.value = text;
    }
  });

  // ---- start ----------------------------------------------------------------------------------

  async function start() {
    let data;
    try {
      data = await gql(Q.start);
    } catch (error) {
      setStatus('cannot sign in: ' + error.message, 'bad');
      document.getElementById('signin').hidden = false;
      ws.dispose();
      return;
    }
    me = data.me;
    $('whoami').textContent = 'Signed in as ' + me.uname + ' (' + me.role.toLowerCase() + ') · app ' + data.app.name;
    const lobbyId = data.app.lobby.id;
    if (!data.myRooms.some((room) => room.id === lobbyId)) {
      try { await gql(Q.join, { roomId: lobbyId }); } catch (error) { notice('Could not join the lobby: ' + error.message, 'client-error'); }
    }
    await reloadRooms();
    subscribe(Q.myEvents, {}, (events) => {
      const event = events.myEvents;
      if (event.type === 'MESSAGE_ADDED') {
        const room = rooms.find((r) => r.id === event.roomId);
        if (!room) { scheduleRoomsReload(); return; }
        room.lastMessage = event.message;
        if (event.roomId !== selectedId && event.message && (!event.message.author || event.message.author.id !== me.id)) room.unreadCount += 1;
        renderRooms();
      } else if (event.type === 'MEMBERSHIP_CHANGED' || event.type === 'ROOM_UPDATED' || event.type === 'ROOM_DELETED') {
        scheduleRoomsReload();
      }
    });
    const first = rooms.find((room) => room.id === lobbyId) || rooms[0];
    if (first) await selectRoom(first.id);
    else setStatus('you are in no room yet', 'bad');
  }

  start().catch((error) => setStatus('error: ' + error.message, 'bad'));
})();
