// The console's shell: navigation, hash routing (#/page?param=value, so that every view is a link),
// keyboard shortcuts, and mounting one page at a time. A page module exports
// mount(root, params) and returns a function that stops its timers and streams.
//
// Later pages (cluster status, SQL editor) are one more entry in PAGES; pages that are not in the
// navigation (the login) are marked hidden.

import { api, clearCredential, hasCredential, onUnauthorized } from './api.js';
import { h, fill } from './ui.js';

const PAGES = [
  { id: 'dashboard', title: 'Dashboard', key: '1', load: () => import('./dashboard.js') },
  { id: 'events', title: 'Events', key: '2', load: () => import('./events.js') },
  { id: 'tail', title: 'Live tail', key: '3', load: () => import('./tail.js') },
  { id: 'entity', title: 'Entity', key: '4', load: () => import('./entity.js') },
  { id: 'views', title: 'Views', key: '5', load: () => import('./views.js') },
  { id: 'groups', title: 'Consumer groups', key: '6', load: () => import('./groups.js') },
  { id: 'log', title: 'Server log', key: '7', load: () => import('./log.js') },
  { id: 'login', title: 'Sign in', hidden: true, load: () => import('./login.js') },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const menuToggle = document.getElementById('menu-toggle');
let unmount = () => {};
let generation = 0;

/** The current route: {page, params}. */
export function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = hash.split('?');
  const page = PAGES.find((p) => p.id === path) ?? PAGES[0];
  return { page, params: Object.fromEntries(new URLSearchParams(search)) };
}

/** Changes the current page's parameters in the address (without remounting the page). */
export function setParams(params) {
  const { page } = route();
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null)).toString();
  history.replaceState(null, '', '#/' + page.id + (search ? '?' + search : ''));
}

function renderNav(current) {
  fill(nav, h('ul', {}, PAGES.filter((page) => !page.hidden).map((page) => h('li', {},
    h('a', {
      href: '#/' + page.id,
      id: 'nav-' + page.id,
      'aria-current': page === current ? 'page' : false,
      'aria-keyshortcuts': page.key,
      title: page.title + ' (key ' + page.key + ')',
    }, page.title)))));
}

async function show() {
  const mine = ++generation;
  const { page, params } = route();
  renderNav(page);
  nav.classList.remove('open');
  menuToggle.setAttribute('aria-expanded', 'false');
  unmount();
  unmount = () => {};
  document.title = page.title + ' · Peregrine';
  fill(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    const module = await page.load();
    if (mine !== generation) return;
    const root = h('div', { class: 'page', id: 'page-' + page.id });
    fill(main, h('h1', { class: 'page-title' }, page.title), root);
    unmount = module.mount(root, params) ?? (() => {});
    main.focus({ preventScroll: true });
  } catch (failure) {
    fill(main, h('p', { class: 'error', role: 'alert' }, 'This page failed to load: ' + failure.message));
  }
}

function typing(target) {
  return target.closest('input, textarea, select, [contenteditable="true"], dialog');
}

document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
  const page = PAGES.find((p) => p.key !== undefined && p.key === event.key);
  if (page) {
    event.preventDefault();
    location.hash = '#/' + page.id;
  }
});

menuToggle.addEventListener('click', () => {
  const open = nav.classList.toggle('open');
  menuToggle.setAttribute('aria-expanded', String(open));
});

onUnauthorized(() => {
  // The server wants a credential (or no longer takes this one): to the login, then back here.
  const { page } = route();
  if (page.id === 'login') return;
  const expired = hasCredential();
  clearCredential();
  location.hash = '#/login?' + new URLSearchParams({ next: location.hash || '#/dashboard', ...(expired ? { reason: 'expired' } : {}) });
});

const signOut = document.getElementById('sign-out');
signOut.addEventListener('click', () => {
  clearCredential();
  location.hash = '#/login';
});

async function status() {
  const element = document.getElementById('server-status');
  signOut.hidden = !hasCredential();
  try {
    const server = await api('/api/v1/server');
    element.textContent = 'v' + server.version + ' · ' + server.durability;
    element.classList.remove('down');
  } catch (failure) {
    element.textContent = failure.status === 401 ? 'sign in required' : failure.status === 403 ? 'no access to server data'
      : 'server unreachable';
    element.classList.add('down');
  }
}

window.addEventListener('hashchange', () => {
  show();
  status();
});
show();
status();
