// The idea pages: similar ideas, error summary, review form, voting.
// Everything here enhances pages that work without it.
(function () {
  "use strict";

  // An error summary takes focus when the page loads, so the problems are read out first.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // With JavaScript the similar ideas show while the title is typed, so submitting does not
  // stop to list them again (that step is for browsers without JavaScript).
  function markSimilarShownWhileTyping() {
    var seen = document.querySelector("#idea-form input[name='similar_seen']");
    if (seen && document.getElementById("similar-ideas")) {
      seen.value = "1";
    }
  }

  // The list of similar ideas is redrawn whole, so a steady status line beside it says
  // what changed.
  var lastSimilarCount = "0";

  function announceSimilar() {
    var list = document.getElementById("similar-ideas");
    var status = document.getElementById("similar-status");
    if (!list || !status) {
      return;
    }
    var count = list.getAttribute("data-similar-count") || "0";
    if (count !== lastSimilarCount) {
      status.textContent = count === "0" ? "" :
        count + (count === "1" ? " similar idea" : " similar ideas") + " already shared, listed under the title.";
      lastSimilarCount = count;
    }
  }

  // The review form shows only the fields the chosen status needs; without JavaScript every
  // group shows (each says when it is needed).
  function showReviewGroups(form) {
    var select = form.querySelector("select[name='status']");
    if (!select) {
      return;
    }
    var chosen = select.value;
    form.querySelectorAll("[data-for-status]").forEach(function (group) {
      var wanted = group.getAttribute("data-for-status").split(" ");
      group.hidden = wanted.indexOf(chosen) === -1;
    });
  }

  function setUpReviewForms() {
    document.querySelectorAll("form[data-review-form]").forEach(function (form) {
      form.classList.add("enhanced");
      showReviewGroups(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "status") {
          showReviewGroups(form);
        }
      });
    });
  }

  // After an htmx vote the button is redrawn: keep keyboard focus on it and announce the
  // new count through the page's live region.
  var voteFocus = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail.elt;
    var box = trigger && trigger.closest ? trigger.closest(".vote") : null;
    voteFocus = box && box.contains(document.activeElement) ? box.id : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (voteFocus) {
      var box = document.getElementById(voteFocus);
      voteFocus = null;
      if (box) {
        var button = box.querySelector("button");
        if (button) {
          button.focus();
        }
        var count = box.querySelector("[data-vote-count]");
        var status = document.getElementById("vote-status");
        if (count && status) {
          var number = count.textContent.trim();
          status.textContent = number + (number === "1" ? " vote" : " votes") +
            (button && button.textContent.indexOf("Remove vote") === 0 ? ", including yours." : ".");
        }
      }
    }
    var focusNext = document.querySelector("[data-focus-after-swap]");
    if (focusNext) {
      focusNext.removeAttribute("data-focus-after-swap");
      focusNext.focus();
    }
    announceSimilar();
  });

  // The feed's filters fold away on a phone; on a wide screen there is room to show them.
  function openWideDisclosures() {
    if (window.matchMedia("(min-width: 48rem)").matches) {
      document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
        details.open = true;
      });
    }
  }

  // The number of filters in use follows the form as it changes (htmx redraws only the feed).
  function countFiltersInUse(form) {
    var shown = form.querySelector("[data-filter-count]");
    if (!shown) {
      return;
    }
    var used = 0;
    form.querySelectorAll(".feed-more-fields select, .feed-more-fields input[type=checkbox]").forEach(function (control) {
      if (control.name === "sort") {
        return;
      }
      if (control.type === "checkbox" ? control.checked : control.value !== "") {
        used += 1;
      }
    });
    shown.textContent = used ? "(" + used + " in use)" : "";
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest ? event.target.closest("form.idea-filters") : null;
    if (form) {
      countFiltersInUse(form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    openWideDisclosures();
    focusErrorSummary();
    setUpReviewForms();
    markSimilarShownWhileTyping();
  });
})();
