// Recognition pages: people picker chips and the packet's Print button. Everything here only
// enhances: without JavaScript the chips are links that reload the form with the colleague in.
(function () {
  "use strict";

  function pickColleague(event) {
    var chip = event.target.closest("a[data-colleague]");
    if (!chip) return;
    var colleague = document.getElementById("colleague");
    var team = document.getElementById("team");
    if (!colleague) return;
    event.preventDefault();
    var email = chip.getAttribute("data-colleague");
    var value = colleague.value.trim();
    if (!value || value === email) {
      colleague.value = email;
      colleague.focus();
    } else if (team) {
      var others = team.value.split(/[\s,;]+/).filter(Boolean);
      if (others.indexOf(email) === -1) others.push(email);
      team.value = others.join(", ");
      team.focus();
    }
  }

  function showPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("click", pickColleague);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showPrintButtons);
  } else {
    showPrintButtons();
  }
})();
