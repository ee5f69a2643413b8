//! The application's error: what went wrong, in terms the web layer maps to one status each.

use resettle_domain::validation::ValidationErrors;

/// A failure of an application service.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is wrong; each field says what to fix. Nothing was written.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// No such record, or one the actor may not know exists.
    #[error("not found")]
    NotFound,
    /// The child is in scope but has no such thing yet (e.g. no plan before custody); the
    /// message says why.
    #[error("{0}")]
    Missing(&'static str),
    /// The actor is known but may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The record changed since the actor read it. Nothing was written.
    #[error("this record was changed by someone else (now version {current_version})")]
    Conflict {
        /// The version now stored.
        current_version: i64,
    },
    /// No valid session or token.
    #[error("sign in to continue")]
    Unauthenticated,
    /// Email and password did not match an active account. Deliberately says no more.
    #[error("Enter a correct email address and password")]
    BadCredentials,
    /// Too many failed sign-ins for this account or from this address: try again after the
    /// given number of seconds. Said the same way whether or not the account exists.
    #[error("Too many failed attempts to sign in. Wait {} minutes and try again.", (retry_after_secs + 59) / 60)]
    Throttled {
        /// Seconds to wait.
        retry_after_secs: i64,
    },
    /// Something failed inside; the message is for logs only.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// A single-field validation error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(ValidationErrors::one(field, message))
    }
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<crate::storage::StorageError> for AppError {
    fn from(e: crate::storage::StorageError) -> Self {
        use crate::storage::StorageError;
        match e {
            StorageError::NotFound => AppError::NotFound,
            StorageError::VersionMismatch { current } => AppError::Conflict { current_version: current },
            StorageError::Duplicate { field, message } => AppError::invalid(&field, message),
            StorageError::Database(m) => AppError::Internal(m),
        }
    }
}

impl From<resettle_domain::policy::Refused> for AppError {
    fn from(r: resettle_domain::policy::Refused) -> Self {
        use resettle_domain::policy::Refused;
        match r {
            Refused::NotFound => AppError::NotFound,
            Refused::Forbidden(why) => AppError::Forbidden(why),
        }
    }
}

/// Shorthand for results of application services.
pub type AppResult<T> = Result<T, AppError>;
