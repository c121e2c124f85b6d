// Copy buttons: <button data-copy-target="ID"> copies the value of the element with that id.
// The only script on the site; pages work without it (the download button is the no-JS path).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy-target]");
  if (!button) { return; }
  event.preventDefault();
  var source = document.getElementById(button.getAttribute("data-copy-target"));
  if (!source) { return; }
  var status = document.getElementById(button.getAttribute("data-copy-status") || "");
  var done = function () { if (status) { status.textContent = "Kopieret."; } };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(source.value).then(done, function () {
      source.select(); document.execCommand("copy"); done();
    });
  } else {
    source.select(); document.execCommand("copy"); done();
  }
});
