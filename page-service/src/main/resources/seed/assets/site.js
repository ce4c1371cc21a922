/* Manchete — progressive enhancement only: the site works the same without this file. */
(function () {
  'use strict';

  /* Relative times: "3 hours ago" for recent <time datetime> elements; the full date stays in the title. */
  var units = [
    ['year', 31536000], ['month', 2592000], ['week', 604800],
    ['day', 86400], ['hour', 3600], ['minute', 60]
  ];

  function relative(date, now) {
    if (typeof Intl === 'undefined' || !Intl.RelativeTimeFormat) return null;
    var seconds = Math.round((date.getTime() - now) / 1000);
    var abs = Math.abs(seconds);
    if (abs > 7 * 86400) return null;
    var rtf = new Intl.RelativeTimeFormat(document.documentElement.lang || 'en', { numeric: 'auto' });
    for (var i = 0; i < units.length; i++) {
      if (abs >= units[i][1]) return rtf.format(Math.round(seconds / units[i][1]), units[i][0]);
    }
    return rtf.format(0, 'minute');
  }

  function updateTimes(root) {
    var now = Date.now();
    var times = (root || document).querySelectorAll('time[datetime]');
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var date = new Date(el.getAttribute('datetime'));
      if (isNaN(date.getTime())) continue;
      if (!el.hasAttribute('data-absolute')) {
        el.setAttribute('data-absolute', el.textContent);
        if (!el.title) el.title = date.toLocaleString();
      }
      var text = relative(date, now);
      el.textContent = text || el.getAttribute('data-absolute');
    }
  }

  /* Comment form: no double posts from an impatient second click. */
  function guardForms() {
    var forms = document.querySelectorAll('form.comment-form');
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener('submit', function (event) {
        var button = event.target.querySelector('button[type="submit"]');
        if (button) {
          window.setTimeout(function () { button.disabled = true; }, 0);
        }
      });
    }
  }

  function start() {
    updateTimes(document);
    guardForms();
    window.setInterval(function () { updateTimes(document); }, 60000);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
