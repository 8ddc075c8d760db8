// Tiny DOM helpers shared by the console pages. Text always goes through text nodes
// (textContent), never innerHTML: whatever a message says is shown as text.
(function () {
  'use strict';

  /** el('li', { className: 'msg', dataset: { id: '4' } }, 'text', otherNode) */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'href' || key === 'src') node.setAttribute(key, safeHref(value));
      else if (key === 'className' || key === 'id' || key === 'type' || key === 'name' || key === 'value' ||
               key === 'placeholder' || key === 'title' || key === 'disabled' || key === 'hidden' ||
               key === 'maxLength' || key === 'required' || key === 'autocomplete' || key === 'htmlFor' ||
               key === 'alt' || key === 'multiple') node[key] = value;
      else if (key.startsWith('aria-') || key === 'role' || key === 'target' || key === 'rel' || key === 'download' ||
               key === 'width' || key === 'height' || key === 'loading' || key === 'decoding') node.setAttribute(key, String(value));
      else throw new Error('el: unsupported property ' + key);
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  /** Only links and images into this server (relative paths); anything else becomes '#'. */
  function safeHref(value) {
    const text = String(value);
    return text.startsWith('/') && !text.startsWith('//') ? text : '#';
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  /** Keeps a scroll box pinned to the bottom if it was there before a change. */
  function stickToBottom(box, change) {
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    change();
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  function time(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  window.ConsoleDom = { el, append, clear, stickToBottom, time };
})();
