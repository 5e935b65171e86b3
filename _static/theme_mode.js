/* The book's own script (Jupyter Book adds every .js file of _static/ to every page).
   pydata-sphinx-theme reads the colour mode that a reader chose from localStorage and,
   on a first visit when none is stored, logs "Got invalid theme mode" as a console
   error on every page. Start from "auto", the theme's own default. */
(function () {
  if (!document.documentElement.dataset.mode) {
    document.documentElement.dataset.mode = "auto";
  }
  try {
    if (!localStorage.getItem("mode")) localStorage.setItem("mode", "auto");
  } catch (error) { /* storage may be disabled: the dataset default above is enough */ }
})();
