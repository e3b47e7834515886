//! The environment book as the designer sees it, and sign-ins in flight: a sign-in starts (the
//! browser opens on the identity provider) and finishes later, when the browser comes back to the
//! loopback redirect, so it lives here between two commands.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use flowbench_dataverse::sign_in::{interactive, SignedIn};
use flowbench_dataverse::{Account, AuthError, EnvironmentBook, Secrets};
use tokio::sync::oneshot;

/// How long a sign-in waits for the browser.
const SIGN_IN_WAIT: Duration = Duration::from_secs(600);

pub struct SignIns {
    book_path: PathBuf,
    pending: Mutex<HashMap<String, oneshot::Receiver<Result<SignedIn, AuthError>>>>,
    http: reqwest::Client,
}

impl SignIns {
    pub fn new(book_path: PathBuf) -> SignIns {
        // Without TLS set up, requests fail and say so; the rest of the designer still works.
        let http = flowbench_dataverse::web_api::http_client().unwrap_or_default();
        SignIns { book_path, pending: Mutex::new(HashMap::new()), http }
    }

    pub fn book(&self) -> Result<EnvironmentBook, AuthError> {
        EnvironmentBook::load(&self.book_path)
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Starts a browser sign-in to `environment`; returns its id and the address to open.
    pub async fn begin(&self, environment: &str) -> Result<(String, String), AuthError> {
        let environment = self.book()?.get(environment)?.clone();
        // Fail before the browser opens if the tokens could not be kept.
        Secrets::system()?;
        let (url_sender, url_receiver) = oneshot::channel();
        let (done_sender, done_receiver) = oneshot::channel();
        let http = self.http.clone();
        tokio::spawn(async move {
            let result = interactive(&environment, &http, SIGN_IN_WAIT, |url| {
                let _ = url_sender.send(url.to_string());
            })
            .await;
            let _ = done_sender.send(result);
        });
        let url = match url_receiver.await {
            Ok(url) => url,
            // The sign-in failed before it had an address: its result says why.
            Err(_) => {
                return Err(match done_receiver.await {
                    Ok(Err(e)) => e,
                    _ => cancelled(),
                })
            }
        };
        let id = sign_in_id();
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).insert(id.clone(), done_receiver);
        Ok((id, url))
    }

    /// Waits for the sign-in `id` to come back, then records the account and stores its tokens.
    pub async fn finish(&self, id: &str) -> Result<(String, Account), AuthError> {
        let receiver = self.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(id).ok_or_else(|| {
            AuthError::Cancelled(format!("there is no sign-in {id} in progress (it finished or was cancelled)"))
        })?;
        let signed_in = receiver.await.unwrap_or_else(|_| Err(cancelled()))?;
        let mut book = self.book()?;
        let environment = signed_in_environment(&book, &signed_in)?;
        let account = signed_in.remember(&mut book, &environment, &Secrets::system()?)?;
        Ok((environment, account))
    }

    /// Abandons a sign-in: its loopback listener stops when the waiting task drops the receiver.
    pub fn cancel(&self, id: &str) -> bool {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(id).is_some()
    }
}

/// The environment a sign-in was for. A sign-in gives tokens for one environment URL, so the
/// environment is the one of the book whose URL the tokens were asked for.
fn signed_in_environment(book: &EnvironmentBook, signed_in: &SignedIn) -> Result<String, AuthError> {
    book.environments()
        .iter()
        .find(|e| e.url == signed_in.environment_url)
        .map(|e| e.name.clone())
        .ok_or_else(|| AuthError::Environment("the environment was removed while signing in".into()))
}

fn cancelled() -> AuthError {
    AuthError::Cancelled("the sign-in was cancelled".into())
}

fn sign_in_id() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the OS gives random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
