//! What the API refuses, and how: bad bodies and queries name the field, every error at every
//! layer is a problem document, dates and text lengths are as described, and lists come in pages.

use crate::api::assert_problem;
use crate::support::{Yjs, caseload_total, on_every_backend, years_ago};
use jiff::ToSpan;
use reqwest::{Method, StatusCode};
use resettle_testkit::Backend;
use serde_json::{Value, json};

on_every_backend!(
    bad_input_is_refused_with_a_problem_naming_the_field_and_writes_nothing,
    fields_sent_by_position_are_refused,
    a_query_value_of_the_wrong_type_is_refused_with_a_problem,
    an_oversized_body_is_refused_and_writes_nothing,
    every_error_at_every_layer_is_a_problem_document,
    dates_are_accepted_only_as_yyyy_mm_dd_from_1900_to_2100,
    the_described_longest_text_is_the_longest_the_service_takes,
    every_list_comes_in_pages_with_its_total,
);

async fn bad_input_is_refused_with_a_problem_naming_the_field_and_writes_nothing(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    w.child("Existing", "Child").await?;
    let college = w.t.org("ETE-A", "education").await?;
    let today = w.t.app.today();
    let good = w.child_body("Ada", "Lovelace");
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = good.clone();
        body.as_object_mut().unwrap().remove(key);
        body
    };
    let nine = years_ago(today, 10).checked_add(1.day())?; // ten tomorrow
    let twenty_six = years_ago(today, 26); // twenty-six today
    let cases: Vec<(&str, Value, &str)> = vec![
        ("wrong type", with("given_name", json!(1)), "given_name"),
        ("null for a required field", with("family_name", Value::Null), "family_name"),
        ("missing field", without("date_of_birth"), "date_of_birth"),
        ("unknown field", with("nickname", json!("Ace")), "nickname"),
        ("invalid NHS number", with("nhs_number", json!("9434765918")), "nhs_number"),
        ("short NHS number", with("nhs_number", json!("12345")), "nhs_number"),
        ("impossible date", with("date_of_birth", json!("2012-02-30")), "date_of_birth"),
        ("not a date", with("date_of_birth", json!("last tuesday")), "date_of_birth"),
        ("age 9", with("date_of_birth", json!(nine.to_string())), "date_of_birth"),
        // A record may be made for someone now an adult (to bring their history), up to 25.
        ("age 26", with("date_of_birth", json!(twenty_six.to_string())), "date_of_birth"),
        ("born tomorrow", with("date_of_birth", json!(today.tomorrow()?.to_string())), "date_of_birth"),
        ("blank name", with("given_name", json!("   ")), "given_name"),
        ("over-long name", with("family_name", json!("x".repeat(101))), "family_name"),
        ("control character", with("given_name", json!("Ada\u{7}")), "given_name"),
        ("bad PNC ID", with("pnc_id", json!("nope")), "pnc_id"),
        ("bad gender", with("gender", json!("robot")), "gender"),
        ("bad legal status", with("legal_status", json!("free")), "legal_status"),
        ("yjs_id of a college", with("yjs_id", json!(college.id.to_string())), "yjs_id"),
        ("yjs_id of nothing", with("yjs_id", json!(uuid::Uuid::new_v4().to_string())), "yjs_id"),
        ("yjs_id not an id", with("yjs_id", json!("YJS-A")), "yjs_id"),
        ("an array", json!([good.clone()]), "JSON"),
    ];
    for (what, body, field) in cases {
        let r = api.request(Method::POST, "/api/v1/children", Some(&body)).await?;
        assert_problem(&r, &[StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY], field, what);
        assert_eq!(caseload_total(&api).await?, 1, "{what}: nothing written");
    }

    // The edges that are allowed: ten today, seventeen until the day before eighteen.
    for dob in [years_ago(today, 10), years_ago(today, 18).checked_add(1.day())?] {
        let (status, body) = api.post("/api/v1/children", &with("date_of_birth", json!(dob.to_string()))).await?;
        assert_eq!(status, StatusCode::CREATED, "born {dob}: {body}");
    }

    // Not JSON at all.
    let r = api
        .send(
            api.builder(Method::POST, "/api/v1/children")
                .header("content-type", "application/json")
                .body("{\"given_name\": "),
        )
        .await?;
    assert_problem(&r, &[StatusCode::BAD_REQUEST], "JSON", "truncated JSON");
    let r = api.send(api.builder(Method::POST, "/api/v1/children").body(good.to_string())).await?;
    assert!(r.status.is_client_error(), "no content type: {}", r.status);
    assert_eq!(r.content_type(), Some("application/problem+json"));
    assert!(r.body["detail"].as_str().unwrap_or_default().contains("Content-Type"), "{}", r.body);
    assert_eq!(caseload_total(&api).await?, 3);
    Ok(())
}

async fn fields_sent_by_position_are_refused(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    let dob = years_ago(w.t.app.today(), 14).to_string();
    let yjs = w.yjs.id.to_string();
    // Every field of the create body, in declaration order, as an array instead of an object:
    // not the documented shape, and not something a client can mean.
    let positional = json!(["Ada", "Lovelace", dob, null, yjs, null, null, null, null, null, null]);
    let r = api.request(Method::POST, "/api/v1/children", Some(&positional)).await?;
    let total = caseload_total(&api).await?;
    assert_problem(&r, &[StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY], "JSON", "array body");
    assert_eq!(total, 0, "nothing written");
    // The same for a change.
    let child = w.child("Ada", "Lovelace").await?;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    let positional = json!([1, null, "Eve", null, null, null, null, null, null, null, null, null]);
    let r = api.request(Method::PATCH, &path, Some(&positional)).await?;
    let (_, read) = api.get(&path).await?;
    assert_problem(&r, &[StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY], "JSON", "array patch");
    assert_eq!(read, child, "nothing changed");
    Ok(())
}

async fn a_query_value_of_the_wrong_type_is_refused_with_a_problem(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    for (what, query, field) in
        [("page not a number", "page=minus-one", "page"), ("per_page negative", "per_page=-5", "per_page")]
    {
        let r = w.api().request(Method::GET, &format!("/api/v1/children?{query}"), None).await?;
        assert_problem(&r, &[StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY], field, what);
    }
    Ok(())
}

async fn an_oversized_body_is_refused_and_writes_nothing(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let mut body = w.child_body("Ada", "Lovelace");
    body["ethnicity"] = json!("x".repeat(300 * 1024));
    // The server refuses on the Content-Length alone and may close the connection while the
    // client is still sending: a reset connection is a refusal too. Either way nothing is written.
    match w.api().request(Method::POST, "/api/v1/children", Some(&body)).await {
        Ok(r) => assert!(
            [StatusCode::PAYLOAD_TOO_LARGE, StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY]
                .contains(&r.status),
            "{}: {}",
            r.status,
            r.body
        ),
        Err(e) => {
            let transport =
                e.chain().any(|c| c.downcast_ref::<reqwest::Error>().is_some_and(|r| r.is_request() || r.is_body()));
            assert!(transport, "only a closed connection may stand in for a refusal: {e:#}");
        }
    }
    // Counted in the database: the client's pooled connection may be the one the server closed.
    assert_eq!(w.t.db.count("children").await?, 0);
    Ok(())
}

/// Posts `body` to `/api/v1/children` in 16 KiB chunks (`Transfer-Encoding: chunked`, no
/// length given) over a plain socket, and returns what the server said before it stopped.
async fn send_chunked(base: &str, token: &str, body: Vec<u8>) -> anyhow::Result<String> {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://").to_string();
    let token = token.to_string();
    tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let mut s = std::net::TcpStream::connect(&addr)?;
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
        let head = format!(
            "POST /api/v1/children HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
        s.write_all(head.as_bytes())?;
        for chunk in body.chunks(16 * 1024) {
            // The server may answer and close before all is sent: stop writing then.
            if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
                || s.write_all(chunk).is_err()
                || s.write_all(b"\r\n").is_err()
            {
                break;
            }
        }
        let _ = s.write_all(b"0\r\n\r\n");
        let mut reply = Vec::new();
        let _ = s.read_to_end(&mut reply);
        Ok(String::from_utf8_lossy(&reply).into_owned())
    })
    .await?
}

async fn every_error_at_every_layer_is_a_problem_document(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    let unknown = api.request(Method::GET, "/api/v1/no-such-thing", None).await?;
    assert_problem(&unknown, &[StatusCode::NOT_FOUND], "no such API route", "unknown API path");
    crate::pages::assert_security_headers(&unknown.headers, "unknown API path");
    let method = api.request(Method::DELETE, "/api/v1/children", None).await?;
    assert_problem(&method, &[StatusCode::METHOD_NOT_ALLOWED], "Allow", "a method the route does not take");
    assert!(method.header("allow").is_some_and(|a| a.contains("POST")), "{:?}", method.headers);
    let utf8 = api.request(Method::GET, "/api/v1/children/%FF", None).await?;
    assert_problem(&utf8, &[StatusCode::BAD_REQUEST], "id", "an id that is not UTF-8");
    // Over the limit, by its length and when sent in chunks: 413 either way, with the headers.
    let big = format!("{{\"given_name\": \"{}\"}}", "x".repeat(300 * 1024));
    let sized = api
        .send(
            api.builder(Method::POST, "/api/v1/children").header("content-type", "application/json").body(big.clone()),
        )
        .await;
    if let Ok(r) = sized {
        assert_problem(&r, &[StatusCode::PAYLOAD_TOO_LARGE], "256 KiB", "a body over the limit");
        crate::pages::assert_security_headers(&r.headers, "413");
    }
    let chunked = send_chunked(&w.t.base, &w.token, big.into_bytes()).await?;
    assert!(chunked.starts_with("HTTP/1.1 413"), "a chunked body over the limit: {chunked}");
    assert!(chunked.to_ascii_lowercase().contains("content-type: application/problem+json"), "{chunked}");
    assert_eq!(w.t.db.count("children").await?, 0);
    // Pages keep their HTML "Page not found".
    let page = w.t.anonymous_api().request(Method::GET, "/no-such-page", None).await?;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(page.content_type(), Some("text/html"));

    // The description says so: errors as problem documents, 400 everywhere, 401 behind a token,
    // 413 and 415 where there is a body.
    let (_, doc) = w.t.anonymous_api().get("/api/openapi.json").await?;
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = op["responses"].as_object().unwrap();
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(r["content"].get("application/json").is_none(), "{method} {path} {status}: {r}");
                }
            }
            assert!(responses.contains_key("400"), "{method} {path}: no 400");
            if op.get("requestBody").is_some() {
                assert!(responses.contains_key("413") && responses.contains_key("415"), "{method} {path}");
            }
            if path.starts_with("/api/v1/") {
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
            }
        }
    }
    assert!(operations > 60, "{operations}");
    Ok(())
}

async fn dates_are_accepted_only_as_yyyy_mm_dd_from_1900_to_2100(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    for (born, says) in [
        ("0000-01-01", "between 1900 and 2100"),
        ("9999-12-31", "between 1900 and 2100"),
        ("1899-12-31", "between 1900 and 2100"),
        ("+002010-03-07", "YYYY-MM-DD"),
        ("20100307", "YYYY-MM-DD"),
        ("2010-3-7", "YYYY-MM-DD"),
        ("2010-02-30", "real date"),
    ] {
        let mut body = w.child_body("Ada", "Lovelace");
        body["date_of_birth"] = json!(born);
        let r = w.api().request(Method::POST, "/api/v1/children", Some(&body)).await?;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{born}: {}", r.body);
        let message = r.body["errors"][0]["message"].as_str().unwrap_or_default();
        assert_eq!(r.body["errors"][0]["field"], json!("date_of_birth"), "{born}: {}", r.body);
        assert!(message.contains(says), "{born}: {message}");
    }
    assert_eq!(w.t.db.count("children").await?, 0);
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap();
    let r = w
        .api()
        .request(
            Method::POST,
            &format!("/api/v1/children/{id}/appointments"),
            Some(&json!({"kind": "yjs_supervision", "starts_at": "9999-12-31T10:00:00Z"})),
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["field"], json!("starts_at"), "{}", r.body);
    Ok(())
}

/// The `maxLength` the description gives a child's text fields is the service's own limit: one
/// character more is refused naming the field (spaces around it count), and exactly that many
/// is taken.
async fn the_described_longest_text_is_the_longest_the_service_takes(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    let (_, doc) = w.t.anonymous_api().get("/api/openapi.json").await?;
    let lengths = |schema: &str| -> Vec<(String, usize)> {
        doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .map(|p| {
                p.iter()
                    .filter_map(|(k, v)| v["maxLength"].as_u64().map(|n| (k.clone(), usize::try_from(n).unwrap())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let create = lengths("CreateChild");
    assert!(create.len() >= 5, "{create:?}");
    for (field, max) in &create {
        let mut body = w.child_body("Ada", "Lovelace");
        body[field.as_str()] = json!(format!(" {} ", "x".repeat(max - 1)));
        let r = api.request(Method::POST, "/api/v1/children", Some(&body)).await?;
        assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], field, &format!("{field}: {} characters", max + 1));
        body[field.as_str()] = json!("x".repeat(*max));
        let (status, made) = api.post("/api/v1/children", &body).await?;
        assert_eq!(status, StatusCode::CREATED, "{field}: {max} characters: {made}");
    }
    let child = w.child("Ada", "Lovelace").await?;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    let patch = lengths("PatchChild");
    let reason = patch.iter().find(|(f, _)| f == "reason").map(|(_, n)| *n).expect("reason has a length");
    let r = api
        .request(
            Method::PATCH,
            &path,
            Some(&json!({"version": 1, "given_name": "Augusta", "reason": "y".repeat(reason + 1)})),
        )
        .await?;
    assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "reason", "an over-long reason");
    let (_, read) = api.get(&path).await?;
    assert_eq!(read["given_name"], json!("Ada"), "nothing changed");
    let (status, _) =
        api.patch(&path, &json!({"version": 1, "given_name": "Augusta", "reason": "y".repeat(reason)})).await?;
    assert_eq!(status, StatusCode::OK);
    Ok(())
}

/// Every list the API answers takes `page` and `per_page` (default 50, at most 200) and says
/// the `total`; the pages add up to the whole, and a value out of range names its parameter.
async fn every_list_comes_in_pages_with_its_total(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap();
    // A sentence opens the plan that holds actions.
    let yoi = w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?.id.to_string();
    let sentenced_on = w.t.app.today().checked_sub(10.days())?.to_string();
    let dto = json!({"kind": "dto", "sentence_date": sentenced_on, "term_months": 8, "establishment_id": yoi});
    let (status, body) = api.post(&format!("/api/v1/children/{id}/sentences"), &dto).await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let actions = format!("/api/v1/children/{id}/actions");
    for n in 1..=5 {
        let body = json!({"description": format!("Step {n}"), "owner_organisation_id": w.yjs.id.to_string()});
        assert_eq!(api.post(&actions, &body).await?.0, StatusCode::CREATED);
    }
    let (status, whole) = api.get(&actions).await?;
    assert_eq!(status, StatusCode::OK, "{whole}");
    assert_eq!((whole["page"].as_u64(), whole["per_page"].as_u64()), (Some(1), Some(50)), "the defaults");
    assert_eq!(whole["total"].as_u64(), Some(5), "{whole}");
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (_, p) = api.get(&format!("{actions}?page={page}&per_page=2")).await?;
        assert_eq!(p["total"].as_u64(), Some(5), "{p}");
        seen.extend(p["items"].as_array().unwrap().iter().map(|e| e["id"].clone()));
    }
    let all: Vec<Value> = whole["items"].as_array().unwrap().iter().map(|e| e["id"].clone()).collect();
    assert_eq!(seen, all, "the pages, in order, are the whole list");
    let (_, past) = api.get(&format!("{actions}?page=4&per_page=2")).await?;
    assert_eq!(past["items"], json!([]), "past the end: an empty page with the total");
    assert_eq!(past["total"].as_u64(), Some(5));

    let lists = [
        format!("/api/v1/children/{id}/audit"),
        format!("/api/v1/children/{id}/actions"),
        format!("/api/v1/children/{id}/meetings"),
        "/api/v1/actions".to_string(),
        "/api/v1/handovers".to_string(),
    ];
    for list in &lists {
        let (status, first) = api.get(list).await?;
        assert_eq!(status, StatusCode::OK, "{list}: {first}");
        assert!(first["items"].is_array() && first["total"].is_u64(), "{list}: {first}");
        let sep = if list.contains('?') { '&' } else { '?' };
        for (query, field) in [("per_page=201", "per_page"), ("per_page=0", "per_page"), ("page=0", "page")] {
            let r = api.request(Method::GET, &format!("{list}{sep}{query}"), None).await?;
            assert_problem(
                &r,
                &[StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY],
                field,
                &format!("{list} {query}"),
            );
        }
    }
    Ok(())
}
