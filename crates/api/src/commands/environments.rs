//! The environments the designer runs against, and signing in to them. Definitions and accounts
//! are the environment book shared with the `flowbench` CLI; the one in use is a setting of the
//! app (`lastEnvironment`); tokens are only in the OS credential store.

use flowbench_dataverse::environments::NewEnvironment;
use flowbench_dataverse::metadata::{cache_path, fetch_tables, rows, tables, RowChoice, TableDefinition};
use flowbench_dataverse::tokens::access_token;
use flowbench_dataverse::web_api::WebApi;
use flowbench_dataverse::sign_in::{remove_environment, sign_out};
use flowbench_dataverse::{AccountKind, Environment, EnvironmentBook, Secrets, SANDBOX};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Command, Context, ErrorCode, NoArgs, SettingsPatch};

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub username: String,
    /// "Ada Lovelace <ada@contoso.com>", or "application <client id>".
    pub label: String,
    pub application: bool,
    /// The account connection references run as unless bound to another.
    pub is_default: bool,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentSummary {
    pub name: String,
    /// The environment URL; none for the embedded sandbox (its address changes each start).
    pub url: Option<String>,
    pub embedded: bool,
    pub accounts: Vec<AccountSummary>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentList {
    /// The environment test runs use.
    pub current: String,
    /// The embedded sandbox first, then the book's environments.
    pub environments: Vec<EnvironmentSummary>,
}

/// The environment in use: the app's setting, the sandbox when unset.
pub(crate) fn current_name(ctx: &Context) -> Result<String, ApiError> {
    Ok(ctx.host.load_settings()?.last_environment.unwrap_or_else(|| SANDBOX.to_string()))
}

fn list(ctx: &Context, book: &EnvironmentBook) -> Result<EnvironmentList, ApiError> {
    let sandbox = EnvironmentSummary { name: SANDBOX.into(), url: None, embedded: true, accounts: Vec::new() };
    let others = book.environments().iter().map(|env| EnvironmentSummary {
        name: env.name.clone(),
        url: Some(env.url.clone()),
        embedded: false,
        accounts: env
            .accounts
            .iter()
            .map(|a| AccountSummary {
                username: a.username.clone(),
                label: a.label(),
                application: matches!(a.kind, AccountKind::Application { .. }),
                is_default: env.default_account.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(&a.username)),
            })
            .collect(),
    });
    Ok(EnvironmentList { current: current_name(ctx)?, environments: std::iter::once(sandbox).chain(others).collect() })
}

pub struct ListEnvironments;

impl Command for ListEnvironments {
    const NAME: &'static str = "list_environments";
    type Request = NoArgs;
    type Response = EnvironmentList;

    async fn run(ctx: &Context, _: NoArgs) -> Result<EnvironmentList, ApiError> {
        list(ctx, &ctx.sign_ins.book()?)
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddEnvironmentRequest {
    pub name: String,
    /// `https://<org>.crm.dynamics.com`
    pub url: String,
    /// Defaults to `https://login.microsoftonline.com/organizations`.
    #[ts(optional)]
    #[serde(default)]
    pub authority: Option<String>,
    /// Defaults to Microsoft's documented sample client id.
    #[ts(optional)]
    #[serde(default)]
    pub client_id: Option<String>,
}

/// Adds an environment and makes it the one in use.
pub struct AddEnvironment;

impl Command for AddEnvironment {
    const NAME: &'static str = "add_environment";
    type Request = AddEnvironmentRequest;
    type Response = EnvironmentList;

    async fn run(ctx: &Context, request: AddEnvironmentRequest) -> Result<EnvironmentList, ApiError> {
        let mut book = ctx.sign_ins.book()?;
        let name = book
            .add(NewEnvironment { name: request.name, url: request.url, authority: request.authority, client_id: request.client_id })?
            .name
            .clone();
        book.save()?;
        use_environment(ctx, &name)?;
        list(ctx, &book)
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentNameRequest {
    pub name: String,
}

fn use_environment(ctx: &Context, name: &str) -> Result<(), ApiError> {
    let mut settings = ctx.host.load_settings()?;
    settings.apply(SettingsPatch { last_environment: Some(name.to_string()), ..Default::default() });
    ctx.host.save_settings(&settings)
}

pub struct UseEnvironment;

impl Command for UseEnvironment {
    const NAME: &'static str = "use_environment";
    type Request = EnvironmentNameRequest;
    type Response = EnvironmentList;

    async fn run(ctx: &Context, request: EnvironmentNameRequest) -> Result<EnvironmentList, ApiError> {
        let book = ctx.sign_ins.book()?;
        let name = if request.name.eq_ignore_ascii_case(SANDBOX) { SANDBOX.to_string() } else { book.get(&request.name)?.name.clone() };
        use_environment(ctx, &name)?;
        list(ctx, &book)
    }
}

/// Removes an environment and signs out of its accounts (their tokens leave the credential store).
pub struct RemoveEnvironment;

impl Command for RemoveEnvironment {
    const NAME: &'static str = "remove_environment";
    type Request = EnvironmentNameRequest;
    type Response = EnvironmentList;

    async fn run(ctx: &Context, request: EnvironmentNameRequest) -> Result<EnvironmentList, ApiError> {
        let mut book = ctx.sign_ins.book()?;
        remove_environment(&mut book, &request.name)?;
        list(ctx, &book)
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BeginSignInRequest {
    pub environment: String,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SignInStarted {
    pub sign_in_id: String,
    /// The identity provider's sign-in page.
    pub url: String,
    /// Whether the shell opened it in the system browser; if not, the UI opens it.
    pub opened: bool,
}

/// Starts a browser sign-in (authorization code with PKCE, loopback redirect).
pub struct BeginSignIn;

impl Command for BeginSignIn {
    const NAME: &'static str = "begin_sign_in";
    type Request = BeginSignInRequest;
    type Response = SignInStarted;

    async fn run(ctx: &Context, request: BeginSignInRequest) -> Result<SignInStarted, ApiError> {
        let (sign_in_id, url) = ctx.sign_ins.begin(&request.environment).await?;
        let opened = ctx.host.open_in_browser(&url);
        Ok(SignInStarted { sign_in_id, url, opened })
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInIdRequest {
    pub sign_in_id: String,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SignedInResult {
    pub environment: String,
    pub account: AccountSummary,
    pub environments: EnvironmentList,
}

/// Waits until the browser comes back, then keeps the sign-in.
pub struct FinishSignIn;

impl Command for FinishSignIn {
    const NAME: &'static str = "finish_sign_in";
    type Request = SignInIdRequest;
    type Response = SignedInResult;

    async fn run(ctx: &Context, request: SignInIdRequest) -> Result<SignedInResult, ApiError> {
        let (environment, account) = ctx.sign_ins.finish(&request.sign_in_id).await?;
        let environments = list(ctx, &ctx.sign_ins.book()?)?;
        let account = environments
            .environments
            .iter()
            .flat_map(|e| e.accounts.iter())
            .find(|a| a.username == account.username)
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the account just kept is not in the book"))?;
        Ok(SignedInResult { environment, account, environments })
    }
}

pub struct CancelSignIn;

impl Command for CancelSignIn {
    const NAME: &'static str = "cancel_sign_in";
    type Request = SignInIdRequest;
    type Response = bool;

    async fn run(ctx: &Context, request: SignInIdRequest) -> Result<bool, ApiError> {
        Ok(ctx.sign_ins.cancel(&request.sign_in_id))
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignOutRequest {
    pub environment: String,
    pub username: String,
}

pub struct SignOut;

impl Command for SignOut {
    const NAME: &'static str = "sign_out";
    type Request = SignOutRequest;
    type Response = EnvironmentList;

    async fn run(ctx: &Context, request: SignOutRequest) -> Result<EnvironmentList, ApiError> {
        let mut book = ctx.sign_ins.book()?;
        sign_out(&mut book, &request.environment, &request.username, &Secrets::system()?)?;
        list(ctx, &book)
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentTablesRequest {
    /// Read the tables again instead of using the cached ones.
    #[serde(default)]
    pub refresh: bool,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentTables {
    pub environment: String,
    /// When the tables were read (Unix seconds); none for the embedded sandbox, read live.
    #[ts(type = "number | null")]
    pub fetched_at: Option<u64>,
    pub tables: Vec<TableDefinition>,
}

/// The tables and columns of the environment in use, for the designer's pickers. A real
/// environment's are cached and read as its default account; the sandbox's are read live.
pub struct GetEnvironmentTables;

impl Command for GetEnvironmentTables {
    const NAME: &'static str = "environment_tables";
    type Request = EnvironmentTablesRequest;
    type Response = EnvironmentTables;

    async fn run(ctx: &Context, request: EnvironmentTablesRequest) -> Result<EnvironmentTables, ApiError> {
        let name = current_name(ctx)?;
        if name.eq_ignore_ascii_case(SANDBOX) {
            let tables = fetch_tables(&sandbox_api(ctx)?).await?;
            return Ok(EnvironmentTables { environment: name, fetched_at: None, tables });
        }
        let (environment, api) = signed_in_api(ctx, &name).await?;
        let cache = tables(&api, &environment.url, &cache_path(&environment.name), request.refresh).await?;
        Ok(EnvironmentTables { environment: environment.name, fetched_at: Some(cache.fetched_at), tables: cache.tables })
    }
}

/// A signed-in environment's Web API, as its default account.
pub(crate) async fn signed_in_api<'c>(ctx: &'c Context, name: &str) -> Result<(Environment, WebApi<'c>), ApiError> {
    let environment = ctx.sign_ins.book()?.get(name)?.clone();
    let account = environment.choose_account(None)?.clone();
    let http = ctx.sign_ins.http();
    let token = access_token(&environment, &account, &Secrets::system()?, http).await?;
    let api = WebApi::new(http, &environment.url, token);
    Ok((environment, api))
}

/// The embedded sandbox's Web API, read as its administrator (metadata and rows for the forms).
pub(crate) fn sandbox_api(ctx: &Context) -> Result<WebApi<'_>, ApiError> {
    let sandbox = ctx.sandbox.as_ref().ok_or_else(|| ApiError::new(ErrorCode::Environment, "the embedded sandbox is not running"))?;
    let token = sandbox.sandbox.token_for("admin").map_err(|e| ApiError::new(ErrorCode::Environment, e.to_string()))?;
    Ok(WebApi::new(ctx.sign_ins.http(), &sandbox.url, token))
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentRowsRequest {
    /// The table's logical name.
    pub table: String,
    #[ts(optional)]
    #[serde(default)]
    pub top: Option<u32>,
}

/// Rows of a table in the environment in use, to start a Dataverse-triggered test run with.
pub struct GetEnvironmentRows;

impl Command for GetEnvironmentRows {
    const NAME: &'static str = "environment_rows";
    type Request = EnvironmentRowsRequest;
    type Response = Vec<RowChoice>;

    async fn run(ctx: &Context, request: EnvironmentRowsRequest) -> Result<Vec<RowChoice>, ApiError> {
        let top = request.top.unwrap_or(25).clamp(1, 200);
        let name = current_name(ctx)?;
        if name.eq_ignore_ascii_case(SANDBOX) {
            return Ok(rows(&sandbox_api(ctx)?, &request.table, top).await?);
        }
        let (_, api) = signed_in_api(ctx, &name).await?;
        Ok(rows(&api, &request.table, top).await?)
    }
}
