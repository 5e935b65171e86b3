/* The book's own script (Jupyter Book adds every .js file of _static/ to every page).
   Accessible names for the widgets that the ipywidgets html-manager renders, which it
   does not give them itself (issue 21, WCAG 2.1 AA):
   - a slider's handle (role="slider") gets its visible label (the widget's description)
     as aria-label, and the readout it shows (the grid value, not the index) as
     aria-valuetext, kept up to date as the slider moves;
   - an image widget gets its tooltip (collapse_lib.widgets sets it to the frame's
     alternative text) as alt, and the title is removed, so that the text is read once
     and no tooltip covers the figure.
   A MutationObserver applies this to every widget whenever it is rendered or changes. */
(function () {
  "use strict";

  function nameSliders(root) {
    root.querySelectorAll(".widget-slider, .widget-hslider, .widget-vslider").forEach(function (box) {
      var handle = box.querySelector('[role="slider"]');
      if (!handle) return;
      var label = box.querySelector(".widget-label");
      var text = label ? label.textContent.trim() : "";
      if (text && handle.getAttribute("aria-label") !== text) handle.setAttribute("aria-label", text);
      var readout = box.querySelector(".widget-readout");
      var value = readout ? readout.textContent.trim() : "";
      if (value && handle.getAttribute("aria-valuetext") !== value) handle.setAttribute("aria-valuetext", value);
    });
  }

  function describeImages(root) {
    root.querySelectorAll("img.widget-image[title]").forEach(function (image) {
      image.setAttribute("alt", image.getAttribute("title"));
      image.removeAttribute("title");
    });
  }

  function apply() {
    nameSliders(document);
    describeImages(document);
  }

  var pending = false;
  var observer = new MutationObserver(function () {
    if (pending) return;
    pending = true;
    // once per batch of changes, before the next paint
    Promise.resolve().then(function () { pending = false; apply(); });
  });
  // the attributes this script sets are not observed, so it never triggers itself
  observer.observe(document.documentElement, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ["aria-valuenow", "title"],
  });
  document.addEventListener("DOMContentLoaded", apply);
})();
