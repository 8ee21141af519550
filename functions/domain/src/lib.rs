//! The pure domain of atsi. Nothing here performs I/O: Greenhouse's wire shapes, the
//! normalized application form a job board renders, validation of a submission against
//! that form, mapping to Greenhouse's POST body, and sync planning.

pub mod attachment;
pub mod credentials;
pub mod field_error;
pub mod form;
pub mod greenhouse;
pub mod ids;
pub(crate) mod lenient;
pub mod mapping;
pub mod submission;
pub mod sync_plan;
pub mod text;
pub mod validate;

pub use field_error::FieldError;
pub use form::ApplicationForm;
pub use ids::{BoardToken, EmployerId, IdError};
pub use submission::Submission;
pub use validate::{ValidApplication, ValidationLimits};
