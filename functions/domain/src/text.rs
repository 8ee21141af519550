//! Rules for the free text a jobseeker types, shared by every field that carries it.

/// Characters that render as nothing: an answer made only of them is no answer.
fn invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// The text without leading and trailing whitespace or invisible characters.
pub fn trim_visible(text: &str) -> &str {
    text.trim_matches(invisible)
}

/// Control characters have no place in an application and can smuggle headers or
/// terminal escapes into the systems that show it. Multi-line fields keep line breaks
/// and tabs.
pub fn has_forbidden_control(text: &str, multiline: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
}

/// Greenhouse refuses names and phone numbers that contain a URL; its rule is not
/// public. This catches schemes, `www.`, a dotted host followed by a path (`bit.ly/x`),
/// and dotted names ending in a common top-level domain, and leaves initials such as
/// `J.R.R.` and `St.John` alone.
pub fn contains_url(text: &str) -> bool {
    const TLDS: [&str; 24] = [
        "com", "net", "org", "io", "co", "uk", "de", "fr", "nl", "be", "ie", "info", "biz", "xyz",
        "app", "ru", "dev", "ly", "me", "gg", "tv", "to", "link", "site",
    ];
    let lower = text.to_lowercase();
    if lower.contains("://") || lower.contains("www.") {
        return true;
    }
    lower.split_whitespace().any(|token| {
        let token = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '.');
        let (host, path) = match token.split_once('/') {
            Some((h, p)) => (h, Some(p)),
            None => (token, None),
        };
        let labels: Vec<&str> = host.split('.').collect();
        let dotted = labels.len() >= 2
            && labels
                .iter()
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
        let tld = labels.last().copied().unwrap_or_default();
        dotted
            && tld.len() >= 2
            && tld.chars().all(|c| c.is_ascii_alphabetic())
            && (path.is_some()
                || (TLDS.contains(&tld) && labels[..labels.len() - 1].iter().any(|l| l.len() >= 2)))
    })
}

/// An address Greenhouse will take: a plain `local@domain.tld`, no display name, no
/// IP literal, no spaces.
pub fn valid_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let domain_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic));
    domain_ok
        && !local.is_empty()
        && !text.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | '[' | ']' | '"')
        })
        && email_address::EmailAddress::is_valid(text)
}

/// A URL Greenhouse can fetch a file from: https, a named host (not an address, which
/// could reach private networks), no credentials in it.
pub fn fetchable_url(text: &str) -> Option<String> {
    let url = url::Url::parse(text.trim()).ok()?;
    let named_host = matches!(url.host(), Some(url::Host::Domain(d)) if d.contains('.'));
    (url.scheme() == "https"
        && named_host
        && url.username().is_empty()
        && url.password().is_none()
        && url.as_str().len() <= 2048)
        .then(|| url.to_string())
}

/// A latitude or longitude as plain decimal text within `bound`: Greenhouse stores it as
/// typed, so `1e1` or `NaN` must not pass.
pub fn coordinate(text: &str, bound: f64) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    plain && text.parse::<f64>().is_ok_and(|v| v.abs() <= bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_caught_and_initials_are_not() {
        for url in [
            "https://x.y",
            "www.cheap.biz",
            "spam.com",
            "Ada foo.dev/x",
            "bit.ly/abc",
            "t.me/x",
        ] {
            assert!(contains_url(url), "{url}");
        }
        for name in [
            "J.R.R.",
            "St.John",
            "Anne-Marie O'Neil",
            "Zoë",
            "+44 20 7946 0000",
            "Dr. Who",
        ] {
            assert!(!contains_url(name), "{name}");
        }
    }

    #[test]
    fn emails_are_plain_addresses() {
        assert!(valid_email("ada.lovelace@example.com"));
        assert!(valid_email("a+tag@mail.example.co.uk"));
        for bad in [
            "Ada <ada@example.com>",
            "ada@[192.168.1.1]",
            "ada.l@localhost",
            "a@b",
            "@x.com",
            "a b@x.com",
            "a@x.c0m",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn urls_must_be_fetchable_and_named() {
        assert!(fetchable_url("https://files.example.com/cv.pdf?sig=1").is_some());
        for bad in [
            "https://",
            "http://x.com/a",
            "https://user:pass@evil.com/cv.pdf",
            "https://169.254.169.254/latest",
            "https://localhost/x",
            "ftp://x.com/a",
        ] {
            assert!(fetchable_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn invisible_and_control_characters() {
        assert_eq!(trim_visible("\u{200b} Ada \u{feff}"), "Ada");
        assert_eq!(trim_visible("\u{200b}\u{200b}"), "");
        assert!(has_forbidden_control("Ada\u{0}Lovelace", true));
        assert!(has_forbidden_control("Ada\r\nX", false));
        assert!(!has_forbidden_control("line one\nline two\t.", true));
    }

    #[test]
    fn coordinates_are_plain_decimals() {
        assert!(
            coordinate("51.5072", 90.0) && coordinate("-0.1276", 180.0) && coordinate("13", 180.0)
        );
        for bad in ["1e1", "NaN", "91", "", "-", "1.2.3", ".5", "inf"] {
            assert!(!coordinate(bad, 90.0), "{bad}");
        }
    }
}
