/* The book's own script, served with the widget manager (tools/book_site.py).
   ipywidgets 8 typesets widget labels with the MathJax 2 call
   MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book uses MathJax 3,
   which has no Hub, so every widget threw "Cannot read properties of undefined
   (reading 'Queue')". This maps that call onto MathJax 3's typesetPromise. */
(function () {
  function typeset(jobs) {
    const mathjax = window.MathJax;
    const elements = jobs.filter(job => Array.isArray(job) && job[0] === "Typeset" && job[2]).map(job => job[2]);
    if (!elements.length || !mathjax) return;
    const ready = mathjax.startup && mathjax.startup.promise ? mathjax.startup.promise : Promise.resolve();
    ready.then(() => mathjax.typesetPromise ? mathjax.typesetPromise(elements) : null).catch(() => null);
  }
  const hub = { Queue: (...jobs) => typeset(jobs) };
  // MathJax 3 (loaded with defer, after this script) replaces window.MathJax by its own
  // object at startup: add the bridge now, and again when MathJax is ready.
  const config = window.MathJax = window.MathJax || {};
  config.Hub = config.Hub || hub;
  const startup = config.startup = config.startup || {};
  const ready = startup.ready;
  startup.ready = function () {
    if (ready) ready(); else window.MathJax.startup.defaultReady();
    window.MathJax.Hub = window.MathJax.Hub || hub;
  };
})();
