/* The Account page's progressive script: every form works without it; with it, a form cannot be
   sent twice, the charts draw from the aggregate endpoint, and the live tail follows the events. */
/* global document, window, fetch, setTimeout, Chart */
'use strict';

(function () {
  // A submitted form's buttons are disabled until the next page arrives: one click, one request.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || form.method.toLowerCase() !== 'post') return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = 'true';
    setTimeout(function () {
      form.querySelectorAll('button[type=submit]').forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  function signInAgain(response) {
    if (response.status === 401) window.location.assign('/account/sign-in');
    if (!response.ok) throw new Error('HTTP ' + response.status);
    return response.json();
  }

  function hourLabel(iso) {
    return iso.slice(11, 16);
  }

  function drawCharts(stats) {
    var labels = stats.hours.map(function (h) {
      return hourLabel(h.hour);
    });
    var series = function (key) {
      return stats.hours.map(function (h) {
        return h[key];
      });
    };
    var common = { responsive: true, maintainAspectRatio: false, animation: false };
    var deliveries = document.getElementById('deliveries-chart');
    new Chart(deliveries, {
      type: 'bar',
      data: {
        labels: labels,
        datasets: [
          { label: 'delivered', data: series('delivered'), backgroundColor: '#2f9e44' },
          { label: 'retrying', data: series('retrying'), backgroundColor: '#f08c00' },
          { label: 'dead', data: series('dead'), backgroundColor: '#c92a2a' },
        ],
      },
      options: Object.assign({}, common, {
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      }),
    });
    deliveries.dataset.rendered = 'true';
    var latency = document.getElementById('latency-chart');
    new Chart(latency, {
      type: 'line',
      data: {
        labels: labels,
        datasets: [
          {
            label: 'p50 (ms)',
            data: series('p50Ms'),
            borderColor: '#3b5bdb',
            backgroundColor: '#3b5bdb',
            spanGaps: true,
          },
          {
            label: 'p95 (ms)',
            data: series('p95Ms'),
            borderColor: '#ae3ec9',
            backgroundColor: '#ae3ec9',
            spanGaps: true,
          },
        ],
      },
      options: Object.assign({}, common, { scales: { y: { beginAtZero: true } } }),
    });
    latency.dataset.rendered = 'true';
  }

  // The live tail: the latest events, then the account's event stream; polling where it cannot run.
  function startTail(list) {
    var lastId;
    var seen = {};
    function show(event) {
      if (seen[event.id]) return;
      seen[event.id] = true;
      var item = document.createElement('li');
      item.textContent = event.createdAt.slice(11, 19) + ' ' + event.triggerName + ' ' + event.id;
      list.insertBefore(item, list.firstChild);
      if (!lastId || event.id > lastId) lastId = event.id;
    }
    function latest() {
      var url = '/account/integrations/tail.json' + (lastId ? '?after=' + encodeURIComponent(lastId) : '');
      return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(signInAgain)
        .then(function (page) {
          page.data.forEach(show);
        });
    }
    function poll() {
      latest()
        .catch(function () {
          /* the next poll tries again */
        })
        .then(function () {
          setTimeout(poll, 3000);
        });
    }
    function stream() {
      var source = new window.EventSource(
        '/account/integrations/stream' + (lastId ? '?after=' + encodeURIComponent(lastId) : ''),
      );
      source.onmessage = function (message) {
        show(JSON.parse(message.data));
      };
      source.onerror = function () {
        // A closed stream (session over, too many tabs) is not retried by the browser: poll instead.
        if (source.readyState === window.EventSource.CLOSED) poll();
      };
    }
    latest()
      .catch(function () {
        /* the stream or the poll fills the list */
      })
      .then(function () {
        if (typeof window.EventSource === 'function') stream();
        else poll();
      });
  }

  if (document.getElementById('deliveries-chart') && typeof Chart === 'function') {
    fetch('/account/integrations/stats.json', {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    })
      .then(signInAgain)
      .then(drawCharts)
      .catch(function () {
        /* the summary above the charts still gives the numbers */
      });
  }
  var tail = document.getElementById('tail');
  if (tail) startTail(tail);
})();
