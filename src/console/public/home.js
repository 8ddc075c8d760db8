// The console's home page: the one-click demo setup (POST /demo/setup with the operator key).
(function () {
  'use strict';
  const { el, clear } = window.ConsoleDom;
  const form = document.getElementById('setup-form');
  const keyInput = document.getElementById('admin-key');
  const button = document.getElementById('setup-button');
  const errorLine = document.getElementById('setup-error');
  const result = document.getElementById('setup-result');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorLine.textContent = '';
    clear(result);
    button.disabled = true;
    try {
      const response = await fetch('/demo/setup', { method: 'POST', headers: { 'x-admin-key': keyInput.value.trim(), accept: 'application/json' } });
      if (response.status === 404) throw new Error('The demo setup exists in development only (this server runs in production).');
      if (response.status === 401) throw new Error('That is not the operator key.');
      if (!response.ok) throw new Error('Setup failed: HTTP ' + response.status);
      show(await response.json());
    } catch (error) {
      errorLine.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });

  function show(setup) {
    result.appendChild(el('p', {}, 'App ', el('code', {}, setup.app.id), ' (', setup.app.name, '), lobby room ',
      el('code', {}, setup.app.lobbyId), '. App secret (for the IDE\'s x-app-secret header): ', el('code', { className: 'token' }, setup.app.secret)));
    for (const user of setup.users) {
      result.appendChild(el('div', { className: 'user', dataset: { uname: user.uname } },
        el('strong', {}, user.uname), ' ', el('span', { className: 'muted' }, '(' + user.role.toLowerCase() + ')'), ': ',
        el('a', { href: user.links.legacy, target: '_blank', rel: 'noopener', className: 'legacy-link' }, 'legacy chatbox'), ' · ',
        el('a', { href: user.links.graphql, target: '_blank', rel: 'noopener', className: 'graphql-link' }, 'GraphQL chat'), ' · ',
        el('a', { href: user.links.graphiql, target: '_blank', rel: 'noopener', className: 'graphiql-link' }, 'GraphQL IDE as ' + user.uname),
        el('div', { className: 'muted mono token' }, 'hashed_token ', user.hashedToken),
        el('div', { className: 'muted mono token' }, 'token ', user.token)));
    }
    result.appendChild(el('p', {}, el('a', { href: setup.graphiql, target: '_blank', rel: 'noopener', className: 'graphiql-app-link' },
      'Open the GraphQL IDE as the app backend'), ' (its Headers tab holds ', el('code', {}, 'x-app-id'), ' and ', el('code', {}, 'x-app-secret'),
      '; put ', el('code', {}, '{"Authorization": "Bearer <token>"}'), ' there to act as a user).'));
  }
})();
