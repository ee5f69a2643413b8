//! Test support: the real application on a fresh database, reached the way clients reach it.
//!
//! Every integration test (and, later, the benchmarks) starts from here:
//!
//! - [`backends`] says which databases to run against: SQLite always, PostgreSQL when
//!   `RESETTLE_TEST_POSTGRES_URL` names a server (`scripts/with-postgres.sh` starts one);
//! - [`fresh_db`] / [`fresh_store`] give an empty, migrated database of one backend;
//! - [`spawn_app`] serves the whole web service on `127.0.0.1:0` over such a database and
//!   returns a [`TestApp`] with helpers to add organisations and users, call the JSON API
//!   ([`Api`]) and drive the pages like a browser ([`Browser`]).
//!
//! Each test gets its own database (a new SQLite file, or a new PostgreSQL database), so tests
//! run in parallel without seeing each other's rows.

pub mod smtp;

use std::fmt;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use sqlx::Connection;

use resettle_app::admin::NewUserInput;
use resettle_app::storage::Storage;
use resettle_app::{App, Clock, Config, Ctx, Principal};
use resettle_domain::org::{Organisation, User};
use resettle_store_postgres::PostgresStore;
use resettle_store_sqlite::SqliteStore;
use resettle_web::WebConfig;

/// The environment variable naming a PostgreSQL server for tests: an administrator's URL such
/// as `postgres://postgres@127.0.0.1:5432/postgres`. Each test creates its own database there.
pub const POSTGRES_URL_VAR: &str = "RESETTLE_TEST_POSTGRES_URL";

/// Set to `1` to make a missing [`POSTGRES_URL_VAR`] an error rather than a reason to test
/// SQLite only (CI sets it: a run that quietly skips PostgreSQL proves nothing about it).
pub const REQUIRE_POSTGRES_VAR: &str = "RESETTLE_REQUIRE_POSTGRES";

/// The password every test user gets: long enough and not on the common-password list.
pub const PASSWORD: &str = "a long test passphrase";

/// The authenticator secret every test administrator and YJS manager gets (base32): their
/// role needs a second factor, and [`Browser::sign_in_ok`] answers the code step with it.
pub const TOTP_SECRET: &str = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";

/// Whether a role needs a second factor at sign-in (as `resettle_domain::policy` decides).
pub fn needs_second_factor(role: &str) -> bool {
    role.parse::<resettle_domain::org::Role>().is_ok_and(resettle_domain::policy::role_requires_second_factor)
}

/// The newest time step whose code each test user has sent, so that no code is sent twice
/// (the server refuses a replayed code, as it should).
static USED_STEPS: std::sync::Mutex<Option<std::collections::HashMap<String, i64>>> = std::sync::Mutex::new(None);

/// A code for `email` from [`TOTP_SECRET`] that the server will accept: the current step, or
/// the next one when the current one was used already (the server allows one step of skew);
/// waits for a new step when both were used.
pub async fn fresh_totp_code(email: &str) -> anyhow::Result<String> {
    let key = email.trim().to_lowercase();
    loop {
        let now = jiff::Timestamp::now();
        let now_step = resettle_app::totp::step_of(now);
        let chosen = {
            let mut guard = USED_STEPS.lock().unwrap_or_else(|p| p.into_inner());
            let used = guard.get_or_insert_with(Default::default);
            let step = used.get(&key).map_or(now_step, |last| (last + 1).max(now_step));
            if step <= now_step + 1 {
                used.insert(key.clone(), step);
                Some(step)
            } else {
                None
            }
        };
        match chosen {
            Some(step) => {
                let at = jiff::Timestamp::from_second(step * 30)?;
                return resettle_app::totp::code_at(TOTP_SECRET, at).map_err(|e| anyhow!("{e}"));
            }
            None => {
                let wait = (now_step + 1) * 30 - now.as_second();
                tokio::time::sleep(std::time::Duration::from_secs(u64::try_from(wait.max(1)).unwrap_or(1))).await;
            }
        }
    }
}

/// A database the application can run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

impl Backend {
    /// The name storage reports for itself (`Storage::backend`).
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The backends to test against, or why the configuration is unusable.
pub fn try_backends() -> anyhow::Result<Vec<Backend>> {
    backends_from(|name| std::env::var(name).ok())
}

/// [`try_backends`] reading the variables through `env` (so the rule can be tested without
/// changing the process's environment).
pub fn backends_from(env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Vec<Backend>> {
    let url = env(POSTGRES_URL_VAR).filter(|u| !u.trim().is_empty());
    let required = env(REQUIRE_POSTGRES_VAR).is_some_and(|v| v.trim() == "1");
    match (url, required) {
        (Some(_), _) => Ok(vec![Backend::Sqlite, Backend::Postgres]),
        (None, false) => Ok(vec![Backend::Sqlite]),
        (None, true) => bail!(
            "{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set: run the tests through \
             scripts/with-postgres.sh, or unset {REQUIRE_POSTGRES_VAR} to test SQLite only"
        ),
    }
}

/// The backends to test against: SQLite always, PostgreSQL when [`POSTGRES_URL_VAR`] is set.
///
/// # Panics
///
/// When [`REQUIRE_POSTGRES_VAR`] is `1` and [`POSTGRES_URL_VAR`] is missing: every test must
/// then fail rather than pass on SQLite alone.
#[allow(clippy::panic)] // Failing loudly is the point: a skipped PostgreSQL run must not pass.
pub fn backends() -> Vec<Backend> {
    match try_backends() {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    }
}

/// An empty, migrated database of one backend, with its URL for tests that look at the rows
/// directly.
#[derive(Clone)]
pub struct TestDb {
    /// Which database.
    pub backend: Backend,
    /// Its URL (`sqlite://…` or `postgres://…`).
    pub url: String,
    /// The storage over it.
    pub store: Arc<dyn Storage>,
}

impl TestDb {
    /// The number of rows in `table`, counted on a separate connection (so it sees only what
    /// was committed). `table` is a trusted name from the test, not user input.
    pub async fn count(&self, table: &str) -> anyhow::Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n = match self.backend {
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url).await?;
                let n: i64 = sqlx::query_scalar(&sql).fetch_one(&mut c).await?;
                c.close().await?;
                n
            }
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await?;
                let n: i64 = sqlx::query_scalar(&sql).fetch_one(&mut c).await?;
                c.close().await?;
                n
            }
        };
        Ok(n)
    }
}

/// A fresh database of `backend`: a new SQLite file `<uuid>.db` in `resettle-tests` under the
/// system temporary directory, or a new database `t_<uuid>` on the PostgreSQL server named by
/// [`POSTGRES_URL_VAR`] (meant to be a throwaway server, such as `scripts/with-postgres.sh`
/// starts: the databases are not dropped).
pub async fn fresh_db(backend: Backend) -> anyhow::Result<TestDb> {
    let name = uuid::Uuid::new_v4().simple().to_string();
    match backend {
        Backend::Sqlite => {
            let dir = sqlite_dir()?;
            let path = dir.join(format!("{name}.db"));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let store = SqliteStore::connect(&url).await.with_context(|| format!("opening {url}"))?;
            let store = store.with_audit_key(test_audit_key(&url));
            Ok(TestDb { backend, url, store: Arc::new(store) })
        }
        Backend::Postgres => {
            let admin = std::env::var(POSTGRES_URL_VAR).with_context(|| format!("{POSTGRES_URL_VAR} is not set"))?;
            let db = format!("t_{name}");
            let mut conn =
                sqlx::PgConnection::connect(&admin).await.with_context(|| format!("connecting to {admin}"))?;
            // A plain string runs as a simple query: CREATE DATABASE cannot be prepared.
            sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE \"{db}\"").as_str())
                .await
                .with_context(|| format!("creating database {db}"))?;
            conn.close().await?;
            let mut url = Url::parse(&admin).with_context(|| format!("parsing {admin}"))?;
            url.set_path(&format!("/{db}"));
            let url = url.to_string();
            let store = PostgresStore::connect(&url).await.with_context(|| format!("opening {url}"))?;
            let store = store.with_audit_key(test_audit_key(&url));
            Ok(TestDb { backend, url, store: Arc::new(store) })
        }
    }
}

/// Where test SQLite files go: `resettle-tests` under the system temporary directory. Files
/// left there by earlier runs (more than an hour old) are deleted the first time a process
/// asks; a test's own files are left alone while it runs, since its server may still use them.
fn sqlite_dir() -> anyhow::Result<std::path::PathBuf> {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    let dir = std::env::temp_dir().join("resettle-tests");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    SWEPT.call_once(|| {
        let stale = |e: &std::fs::DirEntry| {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(3600))
        };
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten().filter(stale) {
                // Best effort: another process may be sweeping too.
                let _ = std::fs::remove_file(e.path());
            }
        }
    });
    Ok(dir)
}

/// The audit key of the test database at `url`: made from the URL, so that a store opened
/// again (as a restarted service would) has the same key. Tests only: a real key is random
/// and kept apart from the database (`resettle_domain::audit::AuditKey`).
pub fn test_audit_key(url: &str) -> resettle_domain::audit::AuditKey {
    let hex = resettle_app::secrets::token_hash(&format!("resettle test audit key\u{1f}{url}"));
    resettle_domain::audit::AuditKey::from_hex(&hex)
        .unwrap_or_else(|_| resettle_domain::audit::AuditKey::from_bytes([1; 32]))
}

/// Opens the database at `url` again, as a restarted service would (with the same audit key).
pub async fn open_store(backend: Backend, url: &str) -> anyhow::Result<Arc<dyn Storage>> {
    let key = test_audit_key(url);
    Ok(match backend {
        Backend::Sqlite => {
            Arc::new(SqliteStore::connect(url).await.with_context(|| format!("opening {url}"))?.with_audit_key(key))
        }
        Backend::Postgres => {
            Arc::new(PostgresStore::connect(url).await.with_context(|| format!("opening {url}"))?.with_audit_key(key))
        }
    })
}

/// A fresh, empty, migrated store of `backend` (see [`fresh_db`]).
pub async fn fresh_store(backend: Backend) -> anyhow::Result<Arc<dyn Storage>> {
    Ok(fresh_db(backend).await?.store)
}

/// The whole service, running on a fresh database, reachable at [`TestApp::base`].
#[derive(Clone)]
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    /// The metrics listener's `http://127.0.0.1:PORT` (its own port, as `--metrics-bind`).
    pub metrics: String,
    /// The application the server runs, for setting up data without going through HTTP.
    pub app: App,
    /// Which database it runs on.
    pub backend: Backend,
    /// The database, for counting rows.
    pub db: TestDb,
    client: reqwest::Client,
}

/// The web settings tests run with: the defaults, as `resettle serve` has them (the front end
/// embedded in the binary).
pub fn web_config() -> WebConfig {
    WebConfig::default()
}

/// Starts the service on a fresh database of `backend`, on a free port of `127.0.0.1`, in a
/// background task that ends with the test's runtime.
pub async fn spawn_app(backend: Backend) -> anyhow::Result<TestApp> {
    spawn_app_with(backend, web_config()).await
}

/// [`spawn_app`] with other web settings (e.g. `secure_cookies`).
pub async fn spawn_app_with(backend: Backend, config: WebConfig) -> anyhow::Result<TestApp> {
    spawn(backend, config, Clock::System).await
}

/// [`spawn_app`] with the clock stopped at `now`, for scenarios whose answers depend on the
/// day (what is overdue or late, which dates are in the past).
pub async fn spawn_app_at(backend: Backend, now: jiff::Timestamp) -> anyhow::Result<TestApp> {
    spawn(backend, web_config(), Clock::Fixed(now)).await
}

async fn spawn(backend: Backend, config: WebConfig, clock: Clock) -> anyhow::Result<TestApp> {
    let db = fresh_db(backend).await?;
    let checkpoints = sqlite_dir()?.join(format!("{}.checkpoints", uuid::Uuid::new_v4().simple()));
    let app_config = Config { audit_checkpoints: Some(checkpoints), ..Config::default() };
    let app = App::new(db.store.clone(), app_config).with_clock(clock);
    let (base, metrics) = serve_in_background(app.clone(), config).await?;
    Ok(TestApp { base, metrics, app, backend, db, client: http_client(None)? })
}

/// Serves `app` on a free port of `127.0.0.1` in a background task, and its metrics on
/// another (as `resettle serve --metrics-bind` does); returns both base URLs.
async fn serve_in_background(app: App, config: WebConfig) -> anyhow::Result<(String, String)> {
    let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let metrics_addr = metrics_listener.local_addr()?;
    let metrics_router = resettle_web::metrics::router(app.clone(), config.metrics.clone());
    tokio::spawn(async move {
        if let Err(e) = resettle_web::serve(metrics_listener, metrics_router).await {
            eprintln!("test metrics listener stopped: {e}");
        }
    });
    let router = resettle_web::router(app, config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = resettle_web::serve(listener, router).await {
            eprintln!("test server stopped: {e}");
        }
    });
    Ok((format!("http://{addr}"), format!("http://{metrics_addr}")))
}

impl TestApp {
    /// Another server over the same database, as a second `resettle serve` would be: its own
    /// connection pool, application (caches, clock as this one's) and port.
    pub async fn another_server(&self) -> anyhow::Result<TestApp> {
        let store = open_store(self.backend, &self.db.url).await?;
        let app = App::new(store.clone(), self.app.config().clone()).with_clock(self.app.clock());
        let (base, metrics) = serve_in_background(app.clone(), web_config()).await?;
        let db = TestDb { backend: self.backend, url: self.db.url.clone(), store };
        Ok(TestApp { base, metrics, app, backend: self.backend, db, client: http_client(None)? })
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Adds an organisation as the operator; its name is `<code> organisation`.
    pub async fn org(&self, code: &str, kind: &str) -> anyhow::Result<Organisation> {
        self.org_named(code, &format!("{code} organisation"), kind).await
    }

    /// Adds an organisation with a chosen name.
    pub async fn org_named(&self, code: &str, name: &str, kind: &str) -> anyhow::Result<Organisation> {
        self.app
            .create_organisation(Principal::Operator, code, name, kind)
            .await
            .map_err(|e| anyhow!("creating organisation {code}: {e:?}"))
    }

    /// Adds a user with one role in the organisation with `org_code`, password [`PASSWORD`],
    /// and returns them with a new API token. Administrators and YJS managers also get an
    /// authenticator with [`TOTP_SECRET`].
    pub async fn user(&self, email: &str, org_code: &str, role: &str) -> anyhow::Result<(User, String)> {
        let name = email.split('@').next().unwrap_or(email).replace(['.', '-', '_'], " ");
        let user = self
            .app
            .create_user(
                Principal::Operator,
                &NewUserInput {
                    email: email.to_string(),
                    name,
                    phone: Some("0113 496 0000".into()),
                    organisation: org_code.to_string(),
                    role: role.to_string(),
                    password: PASSWORD.to_string(),
                },
            )
            .await
            .map_err(|e| anyhow!("creating user {email}: {e:?}"))?;
        if needs_second_factor(role) {
            self.app
                .enrol_totp_with_secret(Principal::Operator, email, TOTP_SECRET)
                .await
                .map_err(|e| anyhow!("setting up {email}'s authenticator: {e:?}"))?;
        }
        let token = self
            .app
            .create_api_token(email, None, "test")
            .await
            .map_err(|e| anyhow!("creating a token for {email}: {e:?}"))?;
        Ok((user, token))
    }

    /// The context in which `user` acts, for calling application services directly.
    pub async fn ctx(&self, user: &User) -> anyhow::Result<Ctx> {
        let actor = self.app.actor(user.id).await.map_err(|e| anyhow!("loading actor {}: {e:?}", user.id))?;
        Ok(Ctx { actor, request_id: "test".into(), ip: None, credential: resettle_domain::policy::Credential::Session })
    }

    /// A JSON API client sending `Authorization: Bearer <token>`.
    pub fn api(&self, token: &str) -> Api {
        Api::new(self.client.clone(), &self.base, Some(token.to_string()))
    }

    /// A JSON API client that sends no token.
    pub fn anonymous_api(&self) -> Api {
        Api::new(self.client.clone(), &self.base, None)
    }

    /// A browser: keeps cookies, does not follow redirects.
    pub fn browser(&self) -> anyhow::Result<Browser> {
        Browser::new(&self.base)
    }
}

/// An HTTP client that does not follow redirects (tests look at them), with a cookie jar or
/// none.
fn http_client(jar: Option<Arc<Jar>>) -> anyhow::Result<reqwest::Client> {
    let builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    let builder = match jar {
        Some(jar) => builder.cookie_provider(jar),
        None => builder,
    };
    Ok(builder.build()?)
}

/// A reply from the JSON API.
#[derive(Clone, Debug)]
pub struct ApiReply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The body as JSON; a body that is not JSON becomes a JSON string.
    pub body: Value,
}

impl ApiReply {
    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The media type without parameters, e.g. `application/problem+json`.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type").map(|v| v.split(';').next().unwrap_or(v).trim())
    }
}

/// A client of the JSON API.
#[derive(Clone, Debug)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Api {
    /// A client of the API at `base` over `client`, with a bearer token or none.
    pub fn new(client: reqwest::Client, base: &str, token: Option<String>) -> Self {
        Self { client, base: base.to_string(), token }
    }

    /// Sends `method path` with an optional JSON body and returns the whole reply.
    pub async fn request(&self, method: Method, path: &str, body: Option<&Value>) -> anyhow::Result<ApiReply> {
        let mut rb = self.client.request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(b);
        }
        self.send(rb).await.with_context(|| format!("{method} {path}"))
    }

    /// Sends a request built on [`Api::builder`] (for odd bodies and headers).
    pub async fn send(&self, rb: reqwest::RequestBuilder) -> anyhow::Result<ApiReply> {
        let response = rb.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await?;
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Ok(ApiReply { status, headers, body })
    }

    /// A request builder for `method path` carrying this client's token, for bodies that
    /// [`Api::request`] cannot send (malformed JSON, another content type).
    pub fn builder(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let rb = self.client.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// `GET path` → status and JSON.
    pub async fn get(&self, path: &str) -> anyhow::Result<(StatusCode, Value)> {
        let r = self.request(Method::GET, path, None).await?;
        Ok((r.status, r.body))
    }

    /// `POST path` with a JSON body → status and JSON.
    pub async fn post(&self, path: &str, body: &Value) -> anyhow::Result<(StatusCode, Value)> {
        let r = self.request(Method::POST, path, Some(body)).await?;
        Ok((r.status, r.body))
    }

    /// `PATCH path` with a JSON body → status and JSON.
    pub async fn patch(&self, path: &str, body: &Value) -> anyhow::Result<(StatusCode, Value)> {
        let r = self.request(Method::PATCH, path, Some(body)).await?;
        Ok((r.status, r.body))
    }
}

/// A page as the browser received it.
#[derive(Clone, Debug)]
pub struct PageReply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The HTML (or whatever the body was).
    pub body: String,
    /// The body as sent (a download such as a zip).
    pub bytes: Vec<u8>,
}

impl PageReply {
    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Where a redirect goes.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// Every `Set-Cookie` header, as sent.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok().map(str::to_string)).collect()
    }

    /// The `Set-Cookie` header for cookie `name`, if one was sent.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}=");
        self.set_cookies().into_iter().find(|c| c.starts_with(&prefix))
    }

    /// The value of the page's first hidden `csrf_token` input.
    pub fn csrf_token(&self) -> Option<String> {
        csrf_token_in(&self.body)
    }
}

/// The value of the first `csrf_token` input in `html` (attributes in any order).
pub fn csrf_token_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf_token\"")?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    let tag = &html[start..end];
    let v = tag.find(" value=\"")? + " value=\"".len();
    let len = tag[v..].find('"')?;
    Some(tag[v..v + len].to_string())
}

/// A browser: a cookie jar, no JavaScript, redirects not followed (tests look at them).
#[derive(Clone, Debug)]
pub struct Browser {
    client: reqwest::Client,
    jar: Arc<Jar>,
    base: Url,
}

impl Browser {
    /// A browser with an empty cookie jar, pointed at `base`.
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let jar = Arc::new(Jar::default());
        Ok(Self { client: http_client(Some(jar.clone()))?, jar, base: Url::parse(base)? })
    }

    /// Puts a cookie in the jar, as if the server had set it (to replay an old session).
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar.add_cookie_str(&format!("{name}={value}; Path=/"), &self.base);
    }

    /// The value of cookie `name` the browser would send now.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.jar.cookies(&self.base)?;
        let header = header.to_str().ok()?.to_string();
        header.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    }

    /// A request to `path` from this browser (its cookies are added when sent), for requests
    /// the other methods cannot make.
    pub fn builder(&self, method: Method, path: &str) -> anyhow::Result<reqwest::RequestBuilder> {
        Ok(self.client.request(method, self.base.join(path)?))
    }

    /// Sends a request made with [`Browser::builder`].
    pub async fn send(&self, rb: reqwest::RequestBuilder) -> anyhow::Result<PageReply> {
        Self::reply(rb.send().await?).await
    }

    async fn reply(response: reqwest::Response) -> anyhow::Result<PageReply> {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?.to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Ok(PageReply { status, headers, body, bytes })
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> anyhow::Result<PageReply> {
        let url = self.base.join(path)?;
        let r = self.client.get(url).send().await.with_context(|| format!("GET {path}"))?;
        Self::reply(r).await
    }

    /// Posts a form to `path`, as a browser submitting it from one of our pages would.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> anyhow::Result<PageReply> {
        self.post_form_with_headers(path, form, &[]).await
    }

    /// Posts a form with extra request headers (e.g. `Sec-Fetch-Site`, `Origin`).
    pub async fn post_form_with_headers(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> anyhow::Result<PageReply> {
        let url = self.base.join(path)?;
        let mut extra = HeaderMap::new();
        for (k, v) in headers {
            extra.insert(HeaderName::from_bytes(k.as_bytes())?, HeaderValue::from_str(v)?);
        }
        let r = self.client.post(url).headers(extra).form(form).send().await.with_context(|| format!("POST {path}"))?;
        Self::reply(r).await
    }

    /// The CSRF token on the page at `path` (its forms' hidden `csrf_token`).
    pub async fn csrf_token(&self, path: &str) -> anyhow::Result<String> {
        let page = self.get(path).await?;
        page.csrf_token().ok_or_else(|| anyhow!("no csrf_token on {path} (status {})", page.status))
    }

    /// Signs in through the real form: GET /sign-in, copy its CSRF token, POST the form.
    /// Returns the reply to the POST (a 303 on success).
    pub async fn sign_in(&self, email: &str, password: &str) -> anyhow::Result<PageReply> {
        let token = self.csrf_token("/sign-in").await?;
        self.post_form("/sign-in", &[("email", email), ("password", password), ("csrf_token", &token)]).await
    }

    /// Signs in with [`PASSWORD`] — and, when the server asks for it, a code from
    /// [`TOTP_SECRET`] — and fails unless the session is fully signed in.
    pub async fn sign_in_ok(&self, email: &str) -> anyhow::Result<()> {
        let r = self.sign_in(email, PASSWORD).await?;
        if r.status != StatusCode::SEE_OTHER || self.cookie("resettle_session").is_none() {
            bail!("signing in as {email} failed: {} {}", r.status, r.body);
        }
        if r.location() == Some("/sign-in/code") {
            let r = self.enter_code(&fresh_totp_code(email).await?).await?;
            if r.status != StatusCode::SEE_OTHER || r.location() != Some("/") {
                bail!("the code step for {email} failed: {} {}", r.status, r.body);
            }
        } else if r.location() != Some("/") {
            bail!("signing in as {email} stopped at {:?}", r.location());
        }
        Ok(())
    }

    /// Signs in with [`PASSWORD`] only, leaving a session that waits for its second step
    /// (fails unless the server asked for one).
    pub async fn sign_in_half(&self, email: &str) -> anyhow::Result<PageReply> {
        let r = self.sign_in(email, PASSWORD).await?;
        if r.status != StatusCode::SEE_OTHER
            || !matches!(r.location(), Some("/sign-in/code" | "/account/authenticator"))
        {
            bail!("signing in as {email} did not ask for a second step: {} {:?}", r.status, r.location());
        }
        Ok(r)
    }

    /// Posts a code to the code step of a half-signed-in session.
    pub async fn enter_code(&self, code: &str) -> anyhow::Result<PageReply> {
        let csrf = self.csrf_token("/sign-in/code").await?;
        self.post_form("/sign-in/code", &[("code", code), ("csrf_token", &csrf)]).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn postgres_joins_sqlite_when_a_server_is_named() {
        assert_eq!(backends_from(env(&[])).unwrap(), [Backend::Sqlite]);
        assert_eq!(backends_from(env(&[(POSTGRES_URL_VAR, " ")])).unwrap(), [Backend::Sqlite]);
        let url = (POSTGRES_URL_VAR, "postgres://postgres@127.0.0.1:5432/postgres");
        assert_eq!(backends_from(env(&[url])).unwrap(), [Backend::Sqlite, Backend::Postgres]);
        assert_eq!(
            backends_from(env(&[url, (REQUIRE_POSTGRES_VAR, "1")])).unwrap(),
            [Backend::Sqlite, Backend::Postgres]
        );
    }

    #[test]
    fn requiring_postgres_without_a_server_is_an_error() {
        let e = backends_from(env(&[(REQUIRE_POSTGRES_VAR, "1")])).unwrap_err().to_string();
        assert!(e.contains(POSTGRES_URL_VAR), "{e}");
        assert_eq!(backends_from(env(&[(REQUIRE_POSTGRES_VAR, "0")])).unwrap(), [Backend::Sqlite]);
    }

    #[test]
    fn the_csrf_token_is_read_from_its_hidden_input() {
        let html = r#"<form><input type="hidden" name="csrf_token" value="abc123"><input name="x" value="y"></form>"#;
        assert_eq!(csrf_token_in(html).as_deref(), Some("abc123"));
        assert_eq!(csrf_token_in("<form></form>"), None);
        assert_eq!(csrf_token_in(r#"<input name="csrf_token"><p value="no">"#), None);
        let reordered = r#"<input value="xyz" type="hidden" name="csrf_token">"#;
        assert_eq!(csrf_token_in(reordered).as_deref(), Some("xyz"));
    }
}
