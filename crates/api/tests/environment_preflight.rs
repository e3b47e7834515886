//! The preflight of a signed-in environment, read through the Web API (RetrieveUserPrivileges,
//! RetrieveTeamPrivileges, business units, table definitions), reaches the same verdicts as the
//! preflight computed from the sandbox's own scenario: the sandbox stands in for a real
//! environment here, served over HTTP and reached with a signed-in account's token.

mod common;

use std::collections::BTreeMap;

use common::context;
use flowbench_api::environment_preflight::environment_preflight;
use flowbench_core::Flow;
use flowbench_dataverse::{Account, AccountKind, Environment, Secrets, TokenSet};
use flowbench_preflight::{preflight, Options, Verdict};
use flowbench_sandbox::Scenario;

const PERSONAS: [(&str, &str); 5] = [
    ("admin", "admin@flowbench.test"),
    ("sam", "sam@flowbench.test"),
    ("nora", "nora@flowbench.test"),
    ("audrey", "audrey@flowbench.test"),
    ("svc", "svc-flows@flowbench.test"),
];

fn shipped_flows() -> Vec<(String, Flow)> {
    let dir = format!("{}/../preflight/scenario-flows", env!("CARGO_MANIFEST_DIR"));
    let mut flows: Vec<(String, Flow)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), Flow::parse(&std::fs::read_to_string(&p).unwrap()).unwrap()))
        .collect();
    flows.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(flows.len() >= 6);
    flows
}

/// The served sandbox standing in for a real environment, with svc signed in (a token in the
/// in-memory credential store).
struct StandIn {
    _dir: tempfile::TempDir,
    _ctx: flowbench_api::Context,
    environment: Environment,
    secrets: Secrets,
    http: reqwest::Client,
}

async fn stand_in() -> StandIn {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("FLOWBENCH_CACHE_DIR", dir.path().join("cache"));
    let ctx = context(dir.path()).await;
    let embedded = ctx.sandbox.as_ref().unwrap();
    let svc = Account {
        username: "svc-flows@flowbench.test".into(),
        display_name: None,
        object_id: Some("0d000000-0000-4000-8000-000000000005".into()),
        tenant_id: None,
        kind: AccountKind::User,
    };
    let environment = Environment {
        name: "stand-in".into(),
        url: embedded.url.clone(),
        authority: "https://login.microsoftonline.com/organizations".into(),
        client_id: "51f81489-12ee-4a9e-aaae-a2591f45987d".into(),
        accounts: vec![svc.clone()],
        default_account: Some(svc.username.clone()),
        bindings: BTreeMap::new(),
    };
    let secrets = Secrets::in_memory();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    TokenSet { access_token: embedded.sandbox.token_for("svc").unwrap(), refresh_token: None, expires_at: now + 3600 }
        .store(&secrets, &svc.token_key(&environment.name))
        .unwrap();
    StandIn { _dir: dir, _ctx: ctx, environment, secrets, http: reqwest::Client::new() }
}

#[tokio::test]
async fn an_environments_matrix_agrees_with_the_sandboxs_own() {
    let StandIn { environment, secrets, http, .. } = &stand_in().await;
    let mut subjects_here: Vec<String> = PERSONAS.iter().map(|(p, _)| p.to_string()).collect();
    subjects_here.push("team:Sales Team".into());
    let mut subjects_there: Vec<String> = PERSONAS.iter().map(|(_, upn)| upn.to_string()).collect();
    subjects_there.push("team:Sales Team".into());
    let (mut cells, mut refused) = (0, 0);
    for (name, flow) in shipped_flows() {
        let here = preflight(&flow, &Scenario::builtin(), &subjects_here, &Options::default()).unwrap();
        let there = environment_preflight(environment, secrets, http, &flow, &subjects_there, None).await.unwrap();
        assert_eq!(there.owner.owner, "svc-flows@flowbench.test");
        assert_eq!(
            here.owner.missing.iter().map(|m| &m.privilege).collect::<Vec<_>>(),
            there.owner.missing.iter().map(|m| &m.privilege).collect::<Vec<_>>(),
            "{name}: the flow owner's needs"
        );
        for (row_here, row_there) in here.users.iter().zip(&there.users) {
            for (a, b) in row_here.cells.iter().zip(&row_there.cells) {
                let context = format!("{name}: {} / {}", row_here.user, a.action);
                assert_eq!(a.verdict, b.verdict, "{context}: {a:?} vs {b:?}");
                let privileges = |c: &flowbench_preflight::Cell| c.missing.iter().chain(&c.no_access).map(|m| m.privilege.clone()).collect::<Vec<_>>();
                assert_eq!(privileges(a), privileges(b), "{context}");
                cells += 1;
                refused += usize::from(matches!(a.verdict, Verdict::Missing | Verdict::NoRowAccess));
            }
        }
    }
    println!("{cells} cells agree, {refused} of them refusals");
    assert!(refused > 10, "the comparison must cover refusals too");
}

#[tokio::test]
async fn roles_are_for_the_sandbox_and_unknown_users_are_named() {
    let StandIn { environment, secrets, http, .. } = &stand_in().await;
    let flow = &shipped_flows()[0].1;
    let role = environment_preflight(environment, secrets, http, flow, &["role:Salesperson".into()], None).await.unwrap_err();
    assert!(role.message.contains("roles are checked in the sandbox only"), "{}", role.message);
    let unknown = environment_preflight(environment, secrets, http, flow, &["ghost@flowbench.test".into()], None).await.unwrap_err();
    assert!(unknown.message.contains("no user named 'ghost@flowbench.test'"), "{}", unknown.message);
}
