// Online drafts: while a logged-in citizen fills in an e-form, what they typed is saved on the server a moment after
// they stop typing (PUT /api/v1/citizen/drafts/{procedure}), so it survives a closed browser; the server restores it
// when the form is opened again and deletes it when the dossier is filed. Progressive enhancement: without this
// script the form works the same, only without the draft.
(function () {
  'use strict';
  var form = document.querySelector('form[data-draft-url]');
  if (!form || !window.fetch || !window.FormData) return;
  var url = form.getAttribute('data-draft-url');
  var status = document.getElementById(form.getAttribute('data-draft-status'));
  var DELAY_MS = 800;
  var timer = null;
  var saving = false;
  var again = false;
  var submitted = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  function values() {
    var out = {};
    new FormData(form).forEach(function (value, name) {
      // Files are not drafted; the filing key must stay unique per visit.
      if (typeof value !== 'string' || name === 'khoa-nop') return;
      out[name] = value;
    });
    return out;
  }

  function save() {
    timer = null;
    if (submitted) return;
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    fetch(url, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ values: values() }),
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (draft) {
        var at = new Date(draft.updated_at);
        var hh = String(at.getHours()).padStart(2, '0');
        var mm = String(at.getMinutes()).padStart(2, '0');
        say('Đã lưu nháp lúc ' + hh + ':' + mm + '.');
        form.setAttribute('data-draft-saved', draft.updated_at);
      })
      .catch(function () {
        say('Chưa lưu được bản nháp; tờ khai vẫn nộp được bình thường.');
      })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', function () {
    submitted = true;
    if (timer !== null) clearTimeout(timer);
  });
})();
