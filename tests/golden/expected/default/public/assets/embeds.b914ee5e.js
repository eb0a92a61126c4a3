/* ballerina-site video embeds: click to load. Until the reader activates the poster, nothing is
   requested from the video host; then the player (youtube-nocookie.com or player.vimeo.com) takes
   the poster's place. Without this script the poster is a plain link to the video's page. */
(function () {
  "use strict";
  document.querySelectorAll("[data-embed-src]").forEach(function (frame) {
    var link = frame.querySelector(".embed__link");
    if (!link) return;
    var action = link.querySelector("[data-embed-action]");
    if (action) action.textContent = action.getAttribute("data-embed-action");
    link.setAttribute("role", "button");
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        link.click();
      }
    });
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button > 0) return;
      event.preventDefault();
      var player = document.createElement("iframe");
      player.className = "embed__player";
      player.title = frame.getAttribute("data-embed-title");
      player.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      player.allowFullscreen = true;
      player.referrerPolicy = "strict-origin-when-cross-origin";
      player.src = frame.getAttribute("data-embed-src");
      frame.replaceChildren(player);
      frame.classList.add("embed__frame--playing");
      player.focus();
    });
  });
})();
