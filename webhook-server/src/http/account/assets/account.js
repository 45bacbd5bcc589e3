/* The Account page's progressive script: every form works without it; with it, a form cannot be
   sent twice, the charts draw from the aggregate endpoint, and the live tail polls for events. */
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

  function startTail(list) {
    var lastId;
    function poll() {
      var url = '/account/integrations/tail.json' + (lastId ? '?after=' + encodeURIComponent(lastId) : '');
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(signInAgain)
        .then(function (page) {
          page.data.forEach(function (event) {
            var item = document.createElement('li');
            item.textContent = event.createdAt.slice(11, 19) + ' ' + event.triggerName + ' ' + event.id;
            list.insertBefore(item, list.firstChild);
            lastId = event.id;
          });
        })
        .catch(function () {
          /* the next poll tries again */
        })
        .then(function () {
          setTimeout(poll, 3000);
        });
    }
    poll();
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
