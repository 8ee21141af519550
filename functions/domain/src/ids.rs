//! Identifiers that end up in URL paths and storage keys, validated once at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must be 1 to {max} characters of letters, digits, '-' or '_'")]
    BadShape { max: usize },
}

fn check(raw: &str, max: usize) -> Result<(), IdError> {
    let ok = !raw.is_empty()
        && raw.len() <= max
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(IdError::BadShape { max })
    }
}

/// The operator's name for an employer, e.g. `northwind-uk`. Part of every route.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmployerId(String);

impl EmployerId {
    pub const MAX_LEN: usize = 64;
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        check(raw, Self::MAX_LEN).map(|()| Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Greenhouse job board token. It is interpolated into Greenhouse URLs, so only the
/// characters a token can have are accepted; that also rules out path traversal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BoardToken(String);

impl BoardToken {
    pub const MAX_LEN: usize = 128;
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        check(raw, Self::MAX_LEN).map(|()| Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Tokens appear case-insensitive on Greenhouse (API.md 1.2): stored as given,
    /// compared without case.
    pub fn same_board(&self, other: &BoardToken) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

macro_rules! string_newtype_impls {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $t {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
    };
}
string_newtype_impls!(EmployerId);
string_newtype_impls!(BoardToken);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_reject_path_characters() {
        assert!(BoardToken::parse("northwindtraders").is_ok());
        for bad in ["", "a/b", "../x", "a b", "tok?x=1", "é", &"a".repeat(129)] {
            assert!(BoardToken::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn tokens_compare_without_case() {
        let a = BoardToken::parse("Canonical").unwrap();
        let b = BoardToken::parse("canonical").unwrap();
        assert!(a.same_board(&b));
        assert_ne!(a, b, "stored as given");
    }

    #[test]
    fn employer_id_round_trips_through_serde() {
        let id: EmployerId = serde_json::from_str("\"northwind-uk\"").unwrap();
        assert_eq!(id.as_str(), "northwind-uk");
        assert!(serde_json::from_str::<EmployerId>("\"no/slash\"").is_err());
    }
}
