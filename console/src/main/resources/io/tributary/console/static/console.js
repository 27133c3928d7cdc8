// Keyboard: a navigation link's key (o, t, g, s, p, l, u) opens its page, "/" focuses the page's first field,
// "?" lists the keys. Keys typed into a field are the field's.
document.addEventListener('keydown', function (e) {
  var t = e.target;
  if (e.altKey || e.ctrlKey || e.metaKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) {
    return;
  }
  if (e.key === '/') {
    var field = document.querySelector('main input:not([type=hidden]), main textarea, main select');
    if (field) { e.preventDefault(); field.focus(); }
    return;
  }
  if (e.key === '?') {
    alert(Array.prototype.map.call(document.querySelectorAll('header nav a[data-key]'),
      function (a) { return a.dataset.key + '  ' + a.textContent.trim().replace(/\s+\S$/, ''); }).join('\n')
      + '\n/  first field of the page');
    return;
  }
  var link = document.querySelector('header nav a[data-key="' + e.key + '"]');
  if (link) { e.preventDefault(); link.click(); }
});
