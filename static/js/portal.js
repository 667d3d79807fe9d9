// Every page: the menu button and other layout behaviour.
//
// Without JavaScript the "Menu" link opens the navigation through #site-menu (:target). Here it
// becomes a real button with aria-expanded that opens and closes the menu; Escape closes it and
// puts focus back on the button.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var link = document.querySelector("[data-menu-button]");
    var menu = document.getElementById("site-menu");
    if (!link || !menu) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "site-menu");
    link.replaceWith(button);
    if (window.location.hash === "#site-menu") {
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }

    function setOpen(open) {
      menu.classList.toggle("open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (
        button.getAttribute("aria-expanded") === "true" &&
        !menu.contains(event.target) &&
        event.target !== button
      ) {
        setOpen(false);
      }
    });
  }

  // On a phone a section navigation is one scrolling line: show its current page.
  function showCurrentSections() {
    document.querySelectorAll(".sub-nav ul").forEach(function (list) {
      var current = list.querySelector('[aria-current="page"]');
      if (current && list.scrollWidth > list.clientWidth) {
        list.scrollLeft = current.offsetLeft - list.offsetLeft - 16;
      }
    });
  }

  function setUp() {
    setUpMenu();
    showCurrentSections();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
