//! The embedded sandbox served in-process on 127.0.0.1:0, and the identities and run options the
//! engine tests that call Dataverse build from it.
#![allow(dead_code)] // each test file uses a part

use flowbench_engine::{Identities, Identity, RunOptions};
use flowbench_sandbox::{Persona, Sandbox, Scenario};

pub struct Served {
    pub sandbox: Sandbox,
    pub url: String,
    _dir: tempfile::TempDir,
}

pub async fn serve() -> Served {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sandbox = Sandbox::open(dir.path(), Scenario::builtin()).expect("the sandbox opens");
    let (address, serving) = sandbox.serve("127.0.0.1:0".parse().unwrap()).expect("the sandbox serves");
    tokio::spawn(serving);
    Served { sandbox, url: format!("http://{address}"), _dir: dir }
}

impl Served {
    pub fn persona(&self, name: &str) -> Persona {
        self.sandbox.personas().into_iter().find(|p| p.name == name).expect("a known persona")
    }

    pub fn identity(&self, name: &str) -> Identity {
        Identity {
            user: name.to_string(),
            token: self.sandbox.token_for(name).expect("a token"),
            object_id: Some(self.persona(name).azure_active_directory_object_id.to_string()),
            impersonated_by: None,
        }
    }

    pub fn options(&self, identities: Identities) -> RunOptions {
        RunOptions { environment_url: Some(self.url.clone()), identities, ..RunOptions::default() }
    }

    /// Options for a run whose invoker is `persona`.
    pub fn invoked_by(&self, persona: &str) -> RunOptions {
        self.options(Identities { invoker: Some(self.identity(persona)), ..Identities::default() })
    }
}
