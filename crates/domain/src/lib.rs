//! Resettle's domain: the types of the record and the rules that govern it.
//!
//! This crate is pure: it knows nothing of HTTP, SQL, files or clocks. Everything here can be
//! tested with plain values, and every other crate builds on it.

pub mod action_item;
pub mod audit;
pub mod calendar;
pub mod child;
pub mod community;
pub mod custody;
pub mod discharge;
pub mod dto;
pub mod fhir;
pub mod health;
pub mod ids;
pub mod mail;
pub mod meeting;
pub mod nhs;
pub mod org;
pub mod outcomes;
pub mod plan;
pub mod policy;
pub mod post_release;
pub mod readiness;
pub mod retention;
pub mod search;
pub mod sentence;
pub mod subject_access;
pub mod team;
pub mod temporary_release;
pub mod timeline;
pub mod timescales;
pub mod validation;
