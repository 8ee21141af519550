use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// An employer's Job Board API key. It prints as `ApiKey(<redacted>)` in logs, errors and
/// panics; only [`ApiKey::basic_authorization`] and the secret store see the value.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    pub fn new(raw: impl Into<String>) -> ApiKey {
        ApiKey(SecretString::from(raw.into()))
    }

    /// `Basic base64("<key>:")`: the key is the user name, the password is empty, and the
    /// trailing colon is what separates them (API.md §4.1).
    pub fn basic_authorization(&self) -> String {
        use base64::Engine;
        let userpass = format!("{}:", self.0.expose_secret());
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(userpass)
        )
    }

    /// A stable, non-reversible label an operator can compare with the key they hold:
    /// `sha256:` and the first 12 hex digits of the key's digest.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.0.expose_secret().as_bytes());
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_has_the_trailing_colon() {
        let key = ApiKey::new("abc123");
        // base64("abc123:")
        assert_eq!(key.basic_authorization(), "Basic YWJjMTIzOg==");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("super-secret-key");
        let printed = format!("{key:?} {:?}", Some(key.clone()));
        assert!(!printed.contains("super-secret-key"));
        assert!(key.fingerprint().starts_with("sha256:") && key.fingerprint().len() == 19);
        assert!(!key.fingerprint().contains("super"));
    }
}
