// Plays the user's browser over HTTP: follows redirects with a cookie jar, fills the provider's
// login form, answers its consent page, and finally delivers the redirect to the app's loopback.

const FORM_ACTION = /<form[^>]*\saction="([^"]+)"/;

class CookieJar {
  #cookies = new Map();
  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

function hiddenInputs(html) {
  const fields = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[match[1]] = match[2];
  return fields;
}

/**
 * Walks an authorization URL to its end. `answers`: { login, password, consent: "accept"|"deny" }.
 * Returns { status, url, body } of the last response (the app's loopback page, or an error page).
 */
export async function signInThroughBrowser(startUrl, answers) {
  const jar = new CookieJar();
  let url = startUrl;
  let method = "GET";
  let body;
  for (let hop = 0; hop < 30; hop++) {
    const response = await fetch(url, {
      method,
      body,
      redirect: "manual",
      headers: { cookie: jar.header(), ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    });
    jar.store(response);
    method = "GET";
    body = undefined;
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get("location"), url).href;
      continue;
    }
    const text = await response.text();
    const action = FORM_ACTION.exec(text);
    if (response.status !== 200 || !action || /id="error"/.test(text)) return { status: response.status, url, body: text };
    const next = new URL(action[1], url).href;
    if (/<input name="login"/.test(text)) {
      body = new URLSearchParams({ login: answers.login, password: answers.password }).toString();
    } else if (/name="decision"/.test(text)) {
      body = new URLSearchParams({ decision: answers.consent ?? "accept" }).toString();
    } else if (/id="op\.deviceConfirmForm"/.test(text)) {
      body = new URLSearchParams(hiddenInputs(text)).toString();
    } else if (/name="user_code"/.test(text)) {
      body = new URLSearchParams({ ...hiddenInputs(text), user_code: answers.userCode }).toString();
    } else {
      return { status: response.status, url, body: text };
    }
    method = "POST";
    url = next;
  }
  throw new Error(`sign-in did not finish within 30 hops (last at ${url})`);
}
