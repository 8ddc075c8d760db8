// The home page's "Recent mails" panel: GET /console/mails with the operator key (development only).
(function () {
  'use strict';
  const { el, clear } = window.ConsoleDom;
  const form = document.getElementById('mails-form');
  const keyInput = document.getElementById('mails-key');
  const button = document.getElementById('mails-button');
  const errorLine = document.getElementById('mails-error');
  const list = document.getElementById('mails-list');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorLine.textContent = '';
    clear(list);
    button.disabled = true;
    try {
      const response = await fetch('/console/mails', { headers: { 'x-admin-key': keyInput.value.trim(), accept: 'application/json' } });
      if (response.status === 404) throw new Error('Recent mails are kept in development only (this server runs in production).');
      if (response.status === 401) throw new Error('That is not the operator key.');
      if (!response.ok) throw new Error('Could not read the mails: HTTP ' + response.status);
      show(await response.json());
    } catch (error) {
      errorLine.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });

  function show(mails) {
    if (mails.length === 0) {
      list.appendChild(el('p', { className: 'muted' }, 'No mail since this server started.'));
      return;
    }
    for (const mail of mails) {
      list.appendChild(el('div', { className: 'mail' },
        el('div', {}, el('strong', {}, mail.subject), ' ', el('span', { className: 'muted' }, 'to ', mail.to, ' · ', new Date(mail.at).toLocaleString())),
        el('pre', { className: 'mono' }, mail.text)));
    }
  }
})();
