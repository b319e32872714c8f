// Passkeys. Forms marked data-passkey="signup|signin|add" run one WebAuthn ceremony:
// ask the server for options, let the browser create or use a passkey, send the answer back,
// then go where the server says. Without WebAuthn the forms say so and do nothing else.
(function () {
  "use strict";

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(json) {
    json.challenge = toBytes(json.challenge);
    json.user.id = toBytes(json.user.id);
    (json.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return json;
  }

  function requestOptions(json) {
    json.challenge = toBytes(json.challenge);
    (json.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return json;
  }

  function created(credential) {
    var r = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        attestationObject: toText(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : []
      }
    };
  }

  function used(credential) {
    var r = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature),
        userHandle: r.userHandle ? toText(r.userHandle) : null
      }
    };
  }

  function post(form, path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrf_token.value },
      body: JSON.stringify(body)
    }).then(function (answer) {
      return answer.json().then(function (data) {
        if (!answer.ok) { throw new Error(data.error || form.dataset.failed); }
        return data;
      });
    });
  }

  function run(form, event) {
    event.preventDefault();
    var kind = form.dataset.passkey;
    var status = form.querySelector("[data-passkey-status]");
    var say = function (text) { if (status) { status.textContent = text; } };
    if (!window.PublicKeyCredential) { say(form.dataset.unsupported); return; }
    var fields = {};
    ["address", "name"].forEach(function (n) { if (form.elements[n]) { fields[n] = form.elements[n].value; } });
    say(form.dataset.working);
    post(form, form.getAttribute("action"), fields).then(function (options) {
      if (kind === "signin") {
        return navigator.credentials.get({ publicKey: requestOptions(options) }).then(used);
      }
      return navigator.credentials.create({ publicKey: creationOptions(options) }).then(created);
    }).then(function (answer) {
      return post(form, form.dataset.verify, answer);
    }).then(function (done) {
      window.location.assign(done.redirect);
    }).catch(function (error) {
      say(error && error.name === "NotAllowedError" ? form.dataset.cancelled : (error.message || form.dataset.failed));
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.dataset && form.dataset.passkey) { run(form, event); }
  });
})();
