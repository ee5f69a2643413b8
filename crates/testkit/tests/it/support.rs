//! What the scenarios share: running one scenario on every backend, and the usual cast.

use std::future::Future;

use jiff::ToSpan;
use jiff::civil::Date;
use reqwest::StatusCode;
use resettle_domain::org::{Organisation, User};
use resettle_testkit::{Api, Backend, TestApp, backends, spawn_app, spawn_app_at};
use serde_json::{Value, json};

/// Declares one `#[tokio::test]` per scenario, each running `super::<scenario>(backend)` on
/// every backend from [`backends`]. The tests live in a module `on_every_backend` beside the
/// scenarios (a test cannot share its scenario's name). Attributes written before a scenario's
/// name (e.g. `#[ignore = "BUG: …"]`) go on its test.
macro_rules! on_every_backend {
    ($($(#[$meta:meta])* $scenario:ident),+ $(,)?) => {
        mod on_every_backend {
            $(
                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    $crate::support::run(stringify!($scenario), super::$scenario).await;
                }
            )+
        }
    };
}
pub(crate) use on_every_backend;

/// Runs `scenario` on each backend in turn (all of them, even after a failure) and fails
/// naming every backend on which it failed.
pub async fn run<F, Fut>(name: &str, scenario: F)
where
    F: Fn(Backend) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let mut failures = Vec::new();
    for b in backends() {
        eprintln!("--- {name} on {b}");
        // A task of its own, so that a failed assertion is caught and the next backend runs.
        match tokio::spawn(scenario(b)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failures.push(format!("[{b}] {e:#}")),
            Err(join) => {
                let message = match join.try_into_panic() {
                    Ok(p) => p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "panicked".into()),
                    Err(e) => e.to_string(),
                };
                failures.push(format!("[{b}] {message}"));
            }
        }
    }
    if !failures.is_empty() {
        panic!("{name} failed on:\n{}", failures.join("\n"));
    }
}

/// The day `years` years before `today`.
pub fn years_ago(today: Date, years: i64) -> Date {
    today.checked_sub(years.years()).unwrap()
}

/// A youth justice service with one case manager, on a running app.
pub struct Yjs {
    pub t: TestApp,
    pub yjs: Organisation,
    pub cm: User,
    pub token: String,
}

impl Yjs {
    /// Starts the app on `b` with the youth justice service `YJS-A` and its case manager
    /// `casey.manager@yjs-a.example.org`.
    pub async fn start(b: Backend) -> anyhow::Result<Self> {
        Self::on(spawn_app(b).await?).await
    }

    /// [`Yjs::start`] with the clock stopped at `now`.
    pub async fn start_at(b: Backend, now: jiff::Timestamp) -> anyhow::Result<Self> {
        Self::on(spawn_app_at(b, now).await?).await
    }

    async fn on(t: TestApp) -> anyhow::Result<Self> {
        let yjs = t.org_named("YJS-A", "Aireborough YJS", "yjs").await?;
        let (cm, token) = t.user("casey.manager@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
        Ok(Self { t, yjs, cm, token })
    }

    /// The case manager's API client.
    pub fn api(&self) -> Api {
        self.t.api(&self.token)
    }

    /// A valid body for `POST /api/v1/children`: a 14-year-old owned by `YJS-A`.
    pub fn child_body(&self, given: &str, family: &str) -> Value {
        json!({
            "given_name": given,
            "family_name": family,
            "date_of_birth": years_ago(self.t.app.today(), 14).to_string(),
            "nhs_number": "943 476 5919",
            "yjs_id": self.yjs.id.to_string(),
        })
    }

    /// Creates a child through the API as the case manager; fails unless 201.
    pub async fn child(&self, given: &str, family: &str) -> anyhow::Result<Value> {
        let (status, body) = self.api().post("/api/v1/children", &self.child_body(given, family)).await?;
        anyhow::ensure!(status == StatusCode::CREATED, "{status}: {body}");
        Ok(body)
    }
}

/// The `total` of the caseload `api` sees.
pub async fn caseload_total(api: &Api) -> anyhow::Result<u64> {
    let (status, body) = api.get("/api/v1/children").await?;
    anyhow::ensure!(status == StatusCode::OK, "{status}: {body}");
    body["total"].as_u64().ok_or_else(|| anyhow::anyhow!("no total in {body}"))
}

/// The child ids on the first caseload page `api` sees.
pub async fn caseload_ids(api: &Api) -> anyhow::Result<Vec<String>> {
    let (status, body) = api.get("/api/v1/children?per_page=200").await?;
    anyhow::ensure!(status == StatusCode::OK, "{status}: {body}");
    Ok(body["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["id"].as_str().map(str::to_string)).collect())
        .unwrap_or_default())
}
