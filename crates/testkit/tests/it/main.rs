//! The one integration test binary: storage conformance, the JSON API and the pages, each
//! scenario run on SQLite and (when `RESETTLE_TEST_POSTGRES_URL` is set) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod access;
mod access_matrix;
mod account;
mod admin;
mod after_release;
mod after_release_pages;
mod api;
mod api_input;
mod assets;
mod audit;
mod backup;
mod custody_side;
mod fhir;
mod health;
mod import;
mod key_dates;
mod mail;
mod metrics;
mod notifications;
mod outcomes;
mod page_forms;
mod page_navigation;
mod page_triage;
mod page_words;
mod pages;
mod pages_sign_in;
mod plan;
mod plan_access;
mod plan_meetings;
mod plan_pages;
mod probes;
mod readiness;
mod retention;
mod scope_rule;
mod search;
mod security;
mod servers;
mod sessions;
mod storage;
mod storage_writes;
mod subject_access;
mod welsh;
