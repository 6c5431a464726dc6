/* vnnews-search: small progressive enhancements; every feature works without this file. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  /** Lowercase and strip Vietnamese diacritics so "ha noi" finds "Hà Nội". */
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().trim();
  }

  function ready() {
    var form = document.getElementById("search");
    if (!form) { return; }

    // Drop empty fields on submit so URLs stay short and readable (the server treats them alike).
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.disabled) { return; }
        var empty = el.value === "" || (el.name === "sort" && el.value === "relevance");
        if (empty && el.type !== "checkbox") { el.disabled = true; }
      });
      var results = document.getElementById("results");
      if (results) { results.classList.add("is-loading"); }
      // Re-enable after the page is shown again from the back/forward cache.
      window.addEventListener("pageshow", function () {
        Array.prototype.forEach.call(form.elements, function (el) { el.disabled = false; });
        if (results) { results.classList.remove("is-loading"); }
      }, { once: true });
    });

    function submit() {
      if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
    }

    // A keyboard user who ticks a box should find the focus on that box after the reload.
    var FOCUS_KEY = "vnnews-focus";
    function rememberFocus(el) {
      try {
        sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ name: el.name, value: el.type === "checkbox" ? el.value : null }));
      } catch (err) { /* storage disabled: focus simply starts at the top */ }
    }
    function restoreFocus() {
      var saved = null;
      try {
        saved = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
        sessionStorage.removeItem(FOCUS_KEY);
      } catch (err) { return; }
      if (!saved || !saved.name) { return; }
      var selector = '[form="search"][name="' + CSS.escape(saved.name) + '"]';
      if (saved.value !== null) { selector += '[value="' + CSS.escape(saved.value) + '"]'; }
      var target = document.querySelector(selector);
      if (target) {
        // Open every folded section around it (the phone filter panel, "Xem thêm").
        for (var node = target.parentElement; node; node = node.parentElement) {
          if (node.tagName === "DETAILS") { node.open = true; }
        }
        target.focus();
      }
    }

    // Ticking a facet value or changing the sort submits at once.
    document.addEventListener("change", function (event) {
      var el = event.target;
      if (!(el instanceof HTMLElement) || el.getAttribute("form") !== "search") { return; }
      if ((el.type === "checkbox") || el.hasAttribute("data-autosubmit")) {
        rememberFocus(el);
        submit();
      }
    });

    // Filter box inside long facet lists (provinces).
    Array.prototype.forEach.call(document.querySelectorAll("[data-facet-filter]"), function (input) {
      var facet = input.closest("[data-facet]");
      var more = facet.querySelector("details");
      var nomatch = facet.querySelector("[data-facet-nomatch]");
      var items = Array.prototype.map.call(facet.querySelectorAll(".facet-values li"), function (li) {
        return { li: li, key: fold(li.querySelector(".facet-label").textContent) };
      });
      input.hidden = false;
      input.addEventListener("input", function () {
        var needle = fold(input.value);
        var shown = 0;
        items.forEach(function (item) {
          var hit = !needle || item.key.indexOf(needle) !== -1;
          item.li.hidden = !hit;
          if (hit) { shown += 1; }
        });
        if (more && needle) { more.open = true; }
        if (nomatch) { nomatch.hidden = shown !== 0; }
      });
      // Enter in the filter box must not submit the search form.
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
    });

    // The filter panel is collapsible on phones only.
    var panel = document.querySelector("[data-collapsible]");
    if (panel && window.matchMedia) {
      var narrow = window.matchMedia("(max-width: 760px)");
      var apply = function () { panel.open = !narrow.matches; };
      apply();
      if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
      panel.querySelector("summary").addEventListener("click", function (event) {
        if (!narrow.matches) { event.preventDefault(); }
      });
    }

    // After the panel has been opened or closed for the screen size.
    restoreFocus();

    // "/" jumps to the search box, as on many search sites.
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target instanceof HTMLElement &&
        (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        var q = document.getElementById("q");
        if (q) { event.preventDefault(); q.focus(); q.select(); }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
