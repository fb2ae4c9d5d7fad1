/* Records every script error, console.error and blocked request in #errors and <html data-errors>,
   where a reader and the browser check see them. Loaded first, before the library. */
(function () {
  var count = 0;
  function record(message) {
    count++;
    document.documentElement.setAttribute('data-errors', String(count));
    var box = document.getElementById('errors');
    if (box) { box.hidden = false; box.textContent += message + '\n'; }
    else { window.__pendingErrors = (window.__pendingErrors || []).concat([message]); }
  }
  window.__recordError = record;
  window.onerror = function (message, source, line, column) {
    record('error: ' + message + ' (line ' + line + ':' + column + ')');
  };
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) {
    record('blocked by the page policy: ' + e.blockedURI + ' (' + e.violatedDirective + ')');
  });
  var consoleError = console.error;
  console.error = function () {
    record('console.error: ' + Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };
})();
