/* django-nextauth: passkeys on the built-in pages (no build step, no inline script).
 *
 * Every <form data-nextauth-webauthn> gets:
 * - on submit: GET data-options-url (plus ?action=<data-action> and the form's
 *   [data-form-field] inputs), navigator.credentials.create() or .get() with the answer,
 *   then the form posts to the callback with "action" and "data" (the credential's JSON),
 *   as Auth.js's own sign-in page does;
 * - with data-conditional-ui="true": passkeys offered in the e-mail field's autofill
 *   (conditional mediation) where the browser supports it.
 * The JSON encodings are WebAuthn's: base64url for every binary field.
 */
(function () {
  "use strict";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    base64 += "===".slice((base64.length + 3) % 4);
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { id: toBuffer(item.id), type: item.type, transports: item.transports };
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBuffer(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var body = { clientDataJSON: toText(response.clientDataJSON) };
    if (response.attestationObject) {
      body.attestationObject = toText(response.attestationObject);
      if (response.getTransports) body.transports = response.getTransports();
    } else {
      body.authenticatorData = toText(response.authenticatorData);
      body.signature = toText(response.signature);
      if (response.userHandle) body.userHandle = toText(response.userHandle);
    }
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: body,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    };
  }

  function fetchOptions(form, action) {
    var url = new URL(form.getAttribute("data-options-url"), window.location.href);
    if (action) url.searchParams.set("action", action);
    form.querySelectorAll("input[data-form-field]").forEach(function (input) {
      if (input.value) url.searchParams.append(input.name, input.value);
    });
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("The passkey options were refused (" + response.status + ").");
        return response.json();
      });
  }

  function submit(form, action, credential) {
    [["action", action], ["data", JSON.stringify(credentialJSON(credential))]].forEach(function (pair) {
      var input = form.querySelector('input[name="' + pair[0] + '"]') || document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    HTMLFormElement.prototype.submit.call(form);
  }

  function report(form, error) {
    var status = form.querySelector("[data-webauthn-status]");
    if (status) status.textContent = error && error.name === "NotAllowedError"
      ? "The passkey request was cancelled." : "The passkey could not be used.";
    if (window.console) console.error(error);
  }

  function ceremony(answer, signal, conditional) {
    if (answer.action === "register") {
      return navigator.credentials.create({ publicKey: creationOptions(answer.options) });
    }
    var request = { publicKey: requestOptions(answer.options) };
    if (conditional) {
      request.mediation = "conditional";
      request.signal = signal;
    }
    return navigator.credentials.get(request);
  }

  function setup(form) {
    if (form.hasAttribute("data-webauthn-ready")) return;  // the script may be included twice
    form.setAttribute("data-webauthn-ready", "");
    if (!window.PublicKeyCredential || !navigator.credentials) {
      form.hidden = true;
      return;
    }
    var autofill = null;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (autofill) autofill.abort();  // one WebAuthn request at a time
      var action = form.getAttribute("data-action") || undefined;
      fetchOptions(form, action)
        .then(function (answer) {
          return ceremony(answer, null, false).then(function (credential) {
            submit(form, answer.action, credential);
          });
        })
        .catch(function (error) { report(form, error); });
    });
    var check = PublicKeyCredential.isConditionalMediationAvailable;
    if (form.getAttribute("data-conditional-ui") !== "true" || !check) return;
    check.call(PublicKeyCredential).then(function (available) {
      if (!available) return;
      autofill = new AbortController();
      var signal = autofill.signal;
      return fetchOptions(form, "authenticate").then(function (answer) {
        return ceremony(answer, signal, true).then(function (credential) {
          if (credential) submit(form, "authenticate", credential);
        });
      });
    }).catch(function (error) {
      if (!error || error.name !== "AbortError") report(form, error);
    });
  }

  function start() {
    document.querySelectorAll("form[data-nextauth-webauthn]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
