/* The book's own script (Jupyter Book adds every .js file of _static/ to every page).
   MathJax 3 does not break inline formulas across lines, so on a phone a long inline
   formula ran past the right edge of the column and was cut off. Once MathJax has
   typeset the page, every inline formula wider than its paragraph gets the class
   "wide-inline" (book.css), which lets it scroll sideways inside itself. */
(function () {
  function mark() {
    for (const formula of document.querySelectorAll('mjx-container[jax="CHTML"]:not([display="true"])')) {
      const column = formula.parentElement ? formula.parentElement.getBoundingClientRect() : null;
      formula.classList.remove("wide-inline");
      if (column && formula.getBoundingClientRect().width > column.width) formula.classList.add("wide-inline");
    }
  }
  window.addEventListener("load", function () {
    const mathjax = window.MathJax;
    if (!mathjax || !mathjax.startup || !mathjax.startup.promise) return;
    mathjax.startup.promise.then(mark);
    let pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(mark, 150);
    });
  });
})();
