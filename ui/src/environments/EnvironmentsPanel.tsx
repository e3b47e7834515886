import { useEffect, useState } from "react";
import { type Backend, type BackendError, toBackendError } from "../backend/Backend";
import type { EnvironmentList } from "../bindings/EnvironmentList";
import type { EnvironmentSummary } from "../bindings/EnvironmentSummary";
import { describeError } from "../errors";

type SignIn = { environment: string; signInId: string; url: string };

/**
 * The environments test runs use: the embedded sandbox and Dataverse environments, who is signed
 * in to each, and signing in through the system browser. `onChanged` follows every change, so the
 * run bar can offer the environment's accounts.
 */
export function EnvironmentsPanel({
  backend,
  onChanged,
  onClose,
}: {
  backend: Backend;
  onChanged: () => void;
  onClose: () => void;
}) {
  const [list, setList] = useState<EnvironmentList | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [signIn, setSignIn] = useState<SignIn | null>(null);
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");

  useEffect(() => {
    backend.call("list_environments", {}).then(setList, (e) => setError(toBackendError(e)));
  }, [backend]);

  const act = async (action: () => Promise<EnvironmentList>, done?: string) => {
    try {
      setList(await action());
      setError(null);
      setNotice(done ?? null);
      onChanged();
    } catch (e) {
      setError(toBackendError(e));
    }
  };

  const startSignIn = async (environment: string) => {
    try {
      setError(null);
      setNotice(null);
      const started = await backend.call("begin_sign_in", { environment });
      // The desktop opens the system browser itself; in browser mode this page opens a tab.
      if (!started.opened) window.open(started.url, "_blank", "noopener");
      setSignIn({ environment, signInId: started.signInId, url: started.url });
      const result = await backend.call("finish_sign_in", { signInId: started.signInId });
      setList(result.environments);
      setNotice(`Signed in to ${result.environment} as ${result.account.label}`);
      onChanged();
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setSignIn(null);
    }
  };

  const cancelSignIn = async () => {
    if (signIn) await backend.call("cancel_sign_in", { signInId: signIn.signInId }).catch(() => false);
  };

  return (
    <section className="environments" data-testid="environments" aria-label="Environments">
      <header>
        <strong>Environments</strong>
        <button type="button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {list?.environments.map((env) => (
        <EnvironmentRow
          key={env.name}
          env={env}
          current={env.name === list.current}
          busy={signIn !== null}
          onUse={() => void act(() => backend.call("use_environment", { name: env.name }))}
          onSignIn={() => void startSignIn(env.name)}
          onSignOut={(username) =>
            void act(() => backend.call("sign_out", { environment: env.name, username }), `Signed out ${username}`)
          }
          onRemove={() => void act(() => backend.call("remove_environment", { name: env.name }), `Removed ${env.name}`)}
        />
      ))}
      {signIn && (
        <p className="environments__waiting" data-testid="sign-in-waiting">
          Finish signing in to {signIn.environment} in your browser.{" "}
          <a href={signIn.url} target="_blank" rel="noreferrer">
            Open the sign-in page again
          </a>{" "}
          <button type="button" onClick={() => void cancelSignIn()}>
            Cancel
          </button>
        </p>
      )}
      {notice && (
        <p className="environments__notice" data-testid="environments-notice">
          {notice}
        </p>
      )}
      {error && (
        <p className="environments__error" role="alert" data-testid="environments-error" data-code={error.code}>
          <strong>{describeError(error).headline}</strong> {describeError(error).detail}
        </p>
      )}
      <form
        className="environments__add"
        onSubmit={(e) => {
          e.preventDefault();
          void act(() => backend.call("add_environment", { name, url }), `Added ${name}`).then(() => {
            setName("");
            setUrl("");
          });
        }}
      >
        <input data-testid="environment-name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <input
          data-testid="environment-url-input"
          placeholder="https://contoso.crm.dynamics.com"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="submit" data-testid="environment-add" disabled={!name || !url}>
          Add
        </button>
      </form>
    </section>
  );
}

function EnvironmentRow({
  env,
  current,
  busy,
  onUse,
  onSignIn,
  onSignOut,
  onRemove,
}: {
  env: EnvironmentSummary;
  current: boolean;
  busy: boolean;
  onUse: () => void;
  onSignIn: () => void;
  onSignOut: (username: string) => void;
  onRemove: () => void;
}) {
  return (
    <div className={`environments__row${current ? " is-current" : ""}`} data-testid="environment-row" data-name={env.name}>
      <div className="environments__title">
        <strong>{env.embedded ? "Embedded sandbox" : env.name}</strong>
        <span className="environments__url">{env.url ?? "personas, roles and privileges on this machine"}</span>
        {current ? (
          <span className="environments__in-use">in use</span>
        ) : (
          <button type="button" data-testid="environment-use" onClick={onUse}>
            Use
          </button>
        )}
        {!env.embedded && (
          <>
            <button type="button" data-testid="environment-sign-in" disabled={busy} onClick={onSignIn}>
              Sign in…
            </button>
            <button type="button" data-testid="environment-remove" onClick={onRemove}>
              Remove
            </button>
          </>
        )}
      </div>
      {env.accounts.length > 0 && (
        <ul className="environments__accounts">
          {env.accounts.map((a) => (
            <li key={a.username} data-testid="environment-account" data-username={a.username}>
              {a.label}
              {a.isDefault && <span className="environments__default"> · owns connections</span>}{" "}
              <button type="button" data-testid="environment-sign-out" onClick={() => onSignOut(a.username)}>
                Sign out
              </button>
            </li>
          ))}
        </ul>
      )}
      {!env.embedded && env.accounts.length === 0 && <p className="environments__nobody">Nobody is signed in.</p>}
    </div>
  );
}
