//! Files a jobseeker attaches: type rules and base64 normalisation.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The file types Greenhouse accepts (API.md §4.3); it judges by the filename's extension.
pub const ALLOWED_EXTENSIONS: [&str; 5] = ["pdf", "doc", "docx", "txt", "rtf"];

/// Default cap on one decoded file. A synchronous Lambda invocation carries at most
/// 6 MB of request, and base64 grows a file by a third, so larger files could never
/// arrive whole through API Gateway anyway.
pub const DEFAULT_MAX_ATTACHMENT_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentProblem {
    MissingFilename,
    UnsupportedType { extension: String },
    NotBase64,
    Empty,
    TooLarge { limit: usize },
}

/// The lowercase extension if Greenhouse accepts it.
pub fn allowed_extension(filename: &str) -> Result<String, AttachmentProblem> {
    let name = filename.trim();
    if name.is_empty() {
        return Err(AttachmentProblem::MissingFilename);
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if ALLOWED_EXTENSIONS.contains(&ext.as_str()) {
        Ok(ext)
    } else {
        Err(AttachmentProblem::UnsupportedType { extension: ext })
    }
}

/// A file checked and re-encoded the way Greenhouse decodes it.
#[derive(Clone, PartialEq, Eq)]
pub struct NormalizedFile {
    /// Standard alphabet, padded, one line.
    pub base64: String,
    pub size: usize,
    pub sha256: String,
}

impl std::fmt::Debug for NormalizedFile {
    // File content is personal data: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NormalizedFile")
            .field("size", &self.size)
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Browsers hand boards `data:application/pdf;base64,` prefixes and encoders wrap lines
/// at 60 or 76 characters; Greenhouse wants neither. The content is decoded and
/// re-encoded so what we send is canonical whatever the board sent.
pub fn normalize_base64(raw: &str, max_bytes: usize) -> Result<NormalizedFile, AttachmentProblem> {
    let body = match raw.trim_start().strip_prefix("data:") {
        Some(rest) => rest
            .split_once(',')
            .map(|(_, b)| b)
            .ok_or(AttachmentProblem::NotBase64)?,
        None => raw,
    };
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    // Refuse before decoding what would be too large anyway.
    if compact.len() / 4 * 3 > max_bytes + 3 {
        return Err(AttachmentProblem::TooLarge { limit: max_bytes });
    }
    let bytes = STANDARD
        .decode(compact.as_bytes())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(compact.as_bytes()))
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(compact.as_bytes()))
        .map_err(|_| AttachmentProblem::NotBase64)?;
    if bytes.is_empty() {
        return Err(AttachmentProblem::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(AttachmentProblem::TooLarge { limit: max_bytes });
    }
    let digest = Sha256::digest(&bytes);
    Ok(NormalizedFile {
        base64: STANDARD.encode(&bytes),
        size: bytes.len(),
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_prefix_and_line_breaks_are_removed() {
        let clean = STANDARD.encode(b"Hello, world!\n");
        let messy = format!("data:text/plain;base64,{}\r\n{}", &clean[..8], &clean[8..]);
        let file = normalize_base64(&messy, 1024).unwrap();
        assert_eq!(file.base64, clean);
        assert_eq!(file.size, 14);
    }

    #[test]
    fn empty_oversized_and_garbage_files_are_refused() {
        assert_eq!(normalize_base64("", 10), Err(AttachmentProblem::Empty));
        assert_eq!(
            normalize_base64("!!!not base64", 10),
            Err(AttachmentProblem::NotBase64)
        );
        let big = STANDARD.encode(vec![7u8; 11]);
        assert_eq!(
            normalize_base64(&big, 10),
            Err(AttachmentProblem::TooLarge { limit: 10 })
        );
    }

    #[test]
    fn only_greenhouse_file_types_pass() {
        assert_eq!(allowed_extension("CV.DOCX").unwrap(), "docx");
        assert_eq!(
            allowed_extension("setup.exe"),
            Err(AttachmentProblem::UnsupportedType {
                extension: "exe".into()
            })
        );
        assert!(matches!(
            allowed_extension("README"),
            Err(AttachmentProblem::UnsupportedType { .. })
        ));
        assert_eq!(
            allowed_extension("  "),
            Err(AttachmentProblem::MissingFilename)
        );
    }
}
