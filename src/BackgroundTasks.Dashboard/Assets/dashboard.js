// BackgroundTasks dashboard: live refresh of the overview and lists, live progress of one job
// (server-sent events), confirmations and select-all. No framework; pages work without it.
(function () {
  'use strict';

  var main = document.getElementById('main');

  // Overview and lists: fetch the same page again and swap its contents, unless the user is busy with it.
  var interval = main ? Number(main.getAttribute('data-refresh-ms')) : 0;
  var live = document.getElementById('live');
  function busy() {
    var active = document.activeElement;
    if (active && active !== document.body && main.contains(active) && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(active.tagName)) {
      return true;
    }
    return !!document.querySelector('input.pick:checked');
  }
  function refresh() {
    if (document.hidden || (live && !live.checked) || busy()) {
      return;
    }
    fetch(location.href, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (!text || busy()) {
          return;
        }
        var page = new DOMParser().parseFromString(text, 'text/html');
        var nextMain = page.getElementById('main');
        var nextNav = page.getElementById('nav');
        var nav = document.getElementById('nav');
        if (nextMain) {
          main.replaceChildren.apply(main, Array.prototype.slice.call(nextMain.childNodes));
        }
        if (nextNav && nav) {
          nav.replaceChildren.apply(nav, Array.prototype.slice.call(nextNav.childNodes));
        }
      })
      .catch(function () { /* the next tick tries again */ });
  }
  if (interval > 0) {
    setInterval(refresh, interval);
  }

  // A job's page: follow the job until it finishes, then reload to show its outcome.
  var job = document.querySelector('[data-job-events]');
  if (job && window.EventSource) {
    var source = new EventSource(job.getAttribute('data-job-events'));
    var bar = document.getElementById('progress');
    var pct = bar ? bar.querySelector('.pct') : null;
    source.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (bar) {
        var percent = String(Math.round(state.percent * 10) / 10);
        bar.setAttribute('aria-valuenow', percent);
        bar.querySelector('rect.value').setAttribute('width', percent);
        if (pct) {
          pct.textContent = percent + ' %';
        }
      }
      set('message', state.message || '');
      set('items', state.items || '');
      set('status', state.status);
      set('attempt', String(state.attempt));
      set('started', state.started);
      set('finished', state.finished);
      set('ran', state.ran);
      var badge = document.querySelector('h1 .status');
      if (badge) {
        badge.textContent = state.status;
        badge.setAttribute('data-status', state.status);
        badge.className = 'status s-' + state.status.toLowerCase();
      }
      if (state.terminal) {
        source.close();
        setTimeout(function () { location.reload(); }, 250);
      }
    };
    source.onerror = function () {
      // The browser reconnects by itself; a finished job's stream ends with its terminal event.
    };
  }
  function set(field, text) {
    var node = document.querySelector('[data-live="' + field + '"]');
    if (node) {
      node.textContent = text;
    }
  }

  // Confirm destructive actions; select every job on a list page.
  document.addEventListener('submit', function (event) {
    var message = (event.submitter && event.submitter.getAttribute('data-confirm')) || event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  document.addEventListener('change', function (event) {
    if (event.target.classList && event.target.classList.contains('pick-all')) {
      var boxes = document.querySelectorAll('input.pick');
      for (var i = 0; i < boxes.length; i++) {
        boxes[i].checked = event.target.checked;
      }
    }
  });
})();
